import Foundation
import TensorScopeGraph
import TensorScopeKernels

extension Graph {
    /// A graph made of a binary `GraphDef` file — a frozen graph as
    /// `convert_variables_to_constants` writes it, or `tf.io.write_graph(…, as_text=False)` — as
    /// `tf.import_graph_def` makes one: every node an op under its own name, `Const` nodes
    /// constants, `Placeholder` nodes placeholders to feed. Fetch with `tensor(named:)` and run
    /// with a `Session`, which plans it as it plans a graph built in Swift (convolutions fused
    /// with their bias and activation, PReLU recognised, …).
    ///
    /// Importing computes nothing. `Identity` and `StopGradient` are ops that pass their input
    /// through; control inputs (`^node`) are left out. A graph saved before freezing imports too:
    /// its `VariableV2` and `VarHandleOp` nodes become variables under their node names, holding
    /// zeros until `restoreVariables(fromTensorFlowCheckpoint:)` fills them, and the machinery that
    /// initialises, assigns and saves them (`Assign`, `AssignVariableOp`, `SaveV2`, `RestoreV2`,
    /// `NoOp`s such as `init`, the nodes that only feed them and those that run after them) is
    /// left out (their variables may hold `GraphDefImporter.maxVariableElements`, 256 Mi floats, in
    /// all). Attributes are read as TensorFlow defines them; `data_format` must be `NHWC`.
    ///
    /// - Throws: naming the file: when it cannot be read or is not a `GraphDef`; one error
    ///   listing every op type TensorScope does not run, each with the nodes that use it, and
    ///   every attribute it cannot take (`NCHW`, an integer placeholder, …); an input naming a
    ///   node that does not exist, or a cycle.
    public convenience init(importingGraphDef url: URL) throws {
        self.init()
        try GraphDefImporter(path: url.path).importNodes(into: self)
    }
}
