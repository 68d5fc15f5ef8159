// The product's module. `import TensorScope` reaches the whole engine, layer by layer:
// the compute layer (kernels, workers, BLAS), the graph layer (tensors, scopes, variables,
// the ops) and TensorFlow's formats (TensorBoard export). See docs/ARCHITECTURE.md.
@_exported import TensorScopeGraph
@_exported import TensorScopeKernels
@_exported import TensorScopeTensorFlow
