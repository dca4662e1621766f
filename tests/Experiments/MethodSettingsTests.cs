using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Runs;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// A method-specific setting given on the command line that the run's method does not read is refused in one usage line
/// naming the setting, the method and the methods that read it (it used to be accepted and dropped: --tau0 with gradrank,
/// --mask_steps with snip or a joint run); a sweep refuses it when none of its runs reads it and notes which ignore it
/// otherwise. One table (<see cref="MethodSettings"/>) decides.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class MethodSettingsTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>
    /// `--help` must name every method that reads a method-specific setting, as the refusal does: a user read
    /// "--michel-batches: Michel: training batches ..." and "--mask-steps: pipelined: ..." while gradrank and snip
    /// read the first and smp the second.
    /// </summary>
    [Fact]
    public void HelpOfEachMethodSettingNamesEveryMethodThatReadsIt()
    {
        foreach (var row in MethodSettings.Table)
            foreach (string name in row.Settings)
            {
                string help = ExperimentConfig.SettingInfos.Single(s => s.Name == name).Help;
                foreach (var method in Enum.GetValues<PruningMethod>())
                    if (Enum.GetValues<PruningSetting>().Any(setting => row.Reads(method, setting)))
                        Assert.True(help.Contains(EnumText.Of(method), StringComparison.OrdinalIgnoreCase),
                            $"--{name}'s help '{help}' does not name {EnumText.Of(method)}, which reads it");
            }
    }

    static readonly string[] Tiny = ["--layers", "1", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--steps", "2", "--device", "host"];

    [Theory]
    [InlineData("nli --method gradrank --keep-params-fraction 0.5 --tau0 5", "--tau0: --method gradrank does not read it; it is read by dsp:")]
    [InlineData("nli --method snip --units heads,blocks --keep-params-fraction 0.5 --mask_steps 5", "--mask_steps: --method snip (joint) does not read it; it is read by dsp, ste, voita when pipelined")]
    [InlineData("nli --method gradrank --keep-params-fraction 0.5 --mask-steps 5", "--mask-steps: --method gradrank (pipelined) does not read it")]
    [InlineData("nli --method dsp --setting joint --heads 1 --mask_epochs 2", "--mask_epochs: --method dsp (joint) does not read it; it is read by dsp, ste, voita when pipelined (a joint run learns its mask over --steps)")]
    [InlineData("nli --method dsp --heads 1 --voita_lr 0.1", "--voita_lr: --method dsp does not read it; it is read by voita:")]
    [InlineData("nli --method ste --heads 1 --tau_end 0.5", "--tau_end: --method ste does not read it; it is read by dsp:")]
    [InlineData("nli --method michel --setting pipelined --heads 1 --mask_lr 0.1", "--mask_lr: --method michel does not read it; it is read by dsp, ste:")]
    [InlineData("nli --method dsp --heads 1 --michel_step 0.5", "--michel_step: --method dsp does not read it; it is read by michel:")]
    [InlineData("nli --method mlpruning --keep-params-fraction 0.5 --michel_batches 2", "--michel_batches: --method mlpruning does not read it; it is read by michel, gradrank, snip")]
    [InlineData("nli --method none --t_cool 3", "--t_cool: --method none does not read it")]
    [InlineData("mt --method voita --heads 1 --cooldown 0.5", "--cooldown: --method voita does not read it; it is read by dsp:")]
    [InlineData("sweep --task nli --methods gradrank,snip --keep-params-fractions 0.5 --tau0 5", "--tau0: --methods gradrank, snip does not read it; it is read by dsp:")]
    [InlineData("sweep --task nli --methods dsp,ste --settings joint --heads 1 --mask_steps 3", "--mask_steps: --methods dsp (joint), ste (joint) does not read it")]
    [InlineData("sweep --task mt --methods dsp,ste,none --heads 1 --voita_trials 2", "--voita_trials: --methods dsp, ste, none does not read it; it is read by voita:")]
    public void ASettingNoRunReadsIsAOneLineUsageError(string command, string expected)
    {
        string line = CliRunner.AssertFails(2, [.. command.Split(' '), "--out", temp.File("out"), .. Tiny]);
        Assert.Contains(expected, line);
        Assert.Contains("drop it or choose a method that reads it", line);
        Assert.False(Directory.Exists(temp.File("out")), "a usage error writes nothing");
    }

    [Fact]
    public void ASweepNotesTheMethodsThatIgnoreASettingOthersRead()
    {
        var (error, notes) = MethodSettings.Check([("tau0", "--tau0"), ("mask_steps", "--mask-steps"), ("lr", "--lr")],
            [(PruningMethod.Dsp, PruningSetting.Joint), (PruningMethod.Dsp, PruningSetting.Pipelined), (PruningMethod.Gradrank, PruningSetting.Pipelined), (PruningMethod.None, PruningSetting.Pipelined)],
            "--methods");
        Assert.Null(error);
        Assert.Equal([
            "note: --tau0 is read by --methods dsp only; the runs of --methods gradrank, none ignore it",
            "note: --mask-steps is read by --methods dsp (pipelined) only; the runs of --methods dsp (joint), gradrank (pipelined), none ignore it",
        ], notes);
    }

    [Fact]
    public void ASettingTheRunReadsIsAccepted()
    {
        // Each method with a setting it reads passes the check (the run itself is not started here).
        foreach (var (method, setting, name) in new[]
        {
            (PruningMethod.Dsp, PruningSetting.Joint, "tau0"), (PruningMethod.Dsp, PruningSetting.Pipelined, "mask_steps"), (PruningMethod.Ste, PruningSetting.Joint, "mask_lr"),
            (PruningMethod.Voita, PruningSetting.Pipelined, "voita_trials"), (PruningMethod.Michel, PruningSetting.Pipelined, "michel_batches"),
            (PruningMethod.Gradrank, PruningSetting.Pipelined, "michel_batches"), (PruningMethod.Snip, PruningSetting.Joint, "michel_batches"),
            (PruningMethod.Smp, PruningSetting.BeforeFinetuning, "mask_steps"), (PruningMethod.Mlpruning, PruningSetting.Joint, "steps"),
        })
            Assert.Equal((null, 0), (MethodSettings.Check([(name, "--" + name)], [(method, setting)], "--method") is var r ? (r.Error, r.Notes.Count) : default));
    }

    [Fact]
    public void EveryMethodSpecificSettingIsInTheTableOnce()
    {
        // The settings whose name says whose they are; a new one must get a row (or it would be accepted by every method).
        var specific = ExperimentConfig.Names.Where(n => n.StartsWith("tau", StringComparison.Ordinal) || n.StartsWith("voita_", StringComparison.Ordinal) ||
                                                         n.StartsWith("michel_", StringComparison.Ordinal) || n.StartsWith("mask_", StringComparison.Ordinal) ||
                                                         n is "t_cool" or "cooldown").ToList();
        var inTable = MethodSettings.Table.SelectMany(r => r.Settings).ToList();
        Assert.Equal(inTable.Count, inTable.Distinct().Count());
        Assert.Equal(specific.Order(), inTable.Order());
    }

    [Fact]
    public void TheReadmeCommandsAndThePresetsPassTheCheck()
    {
        // Presets set every setting for every method; only what is typed is checked, so a preset sweep passes (the
        // README's main command), as does its unit command with its own settings and the RESULTS.md unit sweep's --mask-steps.
        var grid = SweepGrid.BuildUnits("nli", "pretrained", [PruningMethod.None, PruningMethod.Dsp, PruningMethod.Gradrank], PrunerFactory.DefaultUnits,
                                        m => SweepGrid.UnitSettings(m, null), [0.5], [1], 72);
        var (error, notes) = MethodSettings.Check([("mask_steps", "--mask-steps")], grid.Select(r => (r.Method, r.Setting)).Distinct().ToList(), "--methods");
        Assert.Null(error);
        Assert.Single(notes);
        Assert.Null(MethodSettings.Check([], [(PruningMethod.Dsp, PruningSetting.Joint)], "--methods").Error);
    }
}
