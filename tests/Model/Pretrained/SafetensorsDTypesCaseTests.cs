using NativeDsp.Engine;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>
/// Handed case safetensors-dtypes: a BERT checkpoint holding one extra tensor the importer ignores (U8
/// quantisation state, a BOOL mask buffer) loads exactly like the same checkpoint without it.
/// </summary>
public sealed class SafetensorsDTypesCaseTests
{
    static string Case(string name) => Path.Combine(HandedCases.Dir("safetensors-dtypes"), name);

    [Theory]
    [InlineData("ckpt_extra_u8")]
    [InlineData("ckpt_extra_bool")]
    public void Safetensors_dtypes_case_loads_like_the_valid_checkpoint(string variant)
    {
        var valid = SafetensorsBertCheckpoint.Read(Case("ckpt_valid"));
        var extra = SafetensorsBertCheckpoint.Read(Case(variant));
        Assert.Equal(valid.Config, extra.Config);
        Assert.Equal(valid.Weights.Keys.Order(), extra.Weights.Keys.Order());
        foreach (var (name, w) in valid.Weights) Assert.Equal(w.Data, extra.Weights[name].Data);
    }

    [Theory]
    [InlineData("ckpt_extra_u8")]
    [InlineData("ckpt_extra_bool")]
    public void Safetensors_dtypes_case_builds_the_same_classifier_through_nli_init(string variant)
    {
        // What `nli --init DIR` does: the checkpoint shapes the config, the experiment builds the model from it.
        Dictionary<string, float[]> Build(string dir)
        {
            var config = PretrainedEncoders.WithShape(Presets.Get("nli", "quick").WithOverride("init", dir).WithOverride("max_len", "32")
                .WithOverride("train_examples", "8").WithOverride("eval_examples", "8"));
            var experiment = new NliExperiment(config, null);
            using var device = new Device(TestBackends.Host);
            using var model = experiment.BuildModel(device, seed: 3);
            return model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Data.ToArray());
        }
        var valid = Build(Case("ckpt_valid"));
        var extra = Build(Case(variant));
        Assert.Equal(valid.Keys.Order(), extra.Keys.Order());
        foreach (var (name, w) in valid) Assert.Equal(w, extra[name]);
    }
}
