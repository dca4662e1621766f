using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits launcher types into a dynamic assembly named "ILGPURuntime"; they must
// see the internal argument structs (MatMulArgs, ...) that the kernels take.
[assembly: InternalsVisibleTo("ILGPURuntime")]
