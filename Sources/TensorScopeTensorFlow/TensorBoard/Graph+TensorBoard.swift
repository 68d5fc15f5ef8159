import TensorScopeGraph
import TensorScopeKernels
import Foundation
import SwiftProtobuf

extension Graph {
    /// Writes this graph for TensorBoard's Graphs tab, as `tf.summary.FileWriter(logdir, graph)`
    /// does: a new event file `events.out.tfevents.<seconds>.<host>` in `logdir` (created if
    /// missing) holding an `Event` with `file_version: "brain.Event:2"`, then one whose
    /// `graph_def` is the `GraphDef` TensorFlow would have built for the recorded ops — names,
    /// op types, edges, attributes, variables as `VarHandleOp` read by `ReadVariableOp`s (see
    /// `GraphDefBuilder`). Framed as TFRecords with masked CRC-32C checksums; written atomically.
    ///
    /// Open it with `tensorboard --logdir <logdir>`: name scopes fold into boxes, and a shared
    /// variable is one node feeding every tower that reads it.
    ///
    /// - Returns: the path of the event file.
    /// - Throws: `.io` naming the folder or file when it cannot be created or written.
    @discardableResult
    public func writeTensorBoardGraph(logdir: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: logdir, withIntermediateDirectories: true)
        } catch {
            throw TensorScopeError(.io, "\(logdir): cannot create the log folder (\(error.localizedDescription))")
        }
        let now = Date().timeIntervalSince1970
        let host = ProcessInfo.processInfo.hostName
        let data = try tensorBoardEventFile(wallTime: now)
        // Never overwrite an earlier run's file written in the same second: the name is created
        // exclusively, so two runs sharing the folder each get a file of their own.
        var suffix = 0
        var path: String
        repeat {
            let name = "events.out.tfevents.\(Int(now)).\(host)" + (suffix == 0 ? "" : ".\(suffix)")
            path = (logdir as NSString).appendingPathComponent(name)
            suffix += 1
        } while try !AtomicFile.create(data, at: path)
        return path
    }

    /// The bytes of the event file `writeTensorBoardGraph` writes.
    func tensorBoardEventFile(wallTime: Double) throws -> Data {
        let graphDef = GraphDefBuilder.graphDef(operations: operations, variables: globalVariables)
        let version = Tensorflow_Event.with {
            $0.wallTime = wallTime
            $0.fileVersion = "brain.Event:2"
        }
        let graphBytes = try graphDef.serializedData()
        let graph = Tensorflow_Event.with {
            $0.wallTime = wallTime
            $0.step = 0
            $0.graphDef = graphBytes
        }
        return TFRecord.encode([try version.serializedData(), try graph.serializedData()])
    }
}
