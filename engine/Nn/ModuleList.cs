namespace NativeDsp.Engine;

/// <summary>An ordered list of modules named "0", "1", ... (e.g. the layers of an encoder).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    readonly List<T> items = [];

    /// <summary>A list holding <paramref name="items"/> (registered as "0", "1", ...).</summary>
    public ModuleList(IEnumerable<T>? items = null)
    {
        if (items is not null) foreach (var m in items) Add(m);
    }

    /// <summary>Registers <paramref name="module"/> under the next index and returns it.</summary>
    public T Add(T module)
    {
        RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        items.Add(module);
        return module;
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;
    /// <summary>The module at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, Count).</exception>
    public T this[int index] => items[index];
    /// <summary>The modules in order.</summary>
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
}
