namespace NativeDsp.Experiments.Runs;

/// <summary>The named presets of <see cref="Presets"/>.</summary>
public enum PresetName
{
    Quick,
    Full,
    Paper,
    Pretrained,
    Units,
}
