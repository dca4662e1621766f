namespace NativeDsp.Engine;

/// <summary>An ordered list of modules named "0", "1", ... (e.g. the layers of an encoder).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    readonly List<T> items = [];

    public ModuleList(IEnumerable<T>? items = null)
    {
        if (items is not null) foreach (var m in items) Add(m);
    }

    public T Add(T module)
    {
        RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        items.Add(module);
        return module;
    }

    public int Count => items.Count;
    public T this[int index] => items[index];
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
}
