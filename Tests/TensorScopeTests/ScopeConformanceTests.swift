import Foundation
import Testing
import TensorScope

/// The programs of scripts/scope_programs.py, as TensorFlow ran them
/// (Fixtures/scope_conformance.json), replayed through the public API.
@Suite struct ScopeConformanceTests {
    struct Program: CustomStringConvertible, Sendable {
        let name: String
        let json: Data
        var description: String { name }
    }

    static let programs: [Program] = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/scope_conformance.json")
        let fixture = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (fixture["programs"] as! [[String: Any]]).map {
            Program(name: $0["name"] as! String, json: try! JSONSerialization.data(withJSONObject: $0))
        }
    }()

    @Test func suiteIsLargeEnough() {
        #expect(Self.programs.count >= 60)
    }

    @Test(arguments: programs)
    func behavesAsTensorFlow(_ program: Program) throws {
        let expected = try JSONSerialization.jsonObject(with: program.json) as! [String: Any]
        let (log, trainable, global, operations) = Graph().asDefault {
            let runner = ScopeProgramRunner()
            runner.run(expected["program"] as! [Any])
            return (runner.log, trainableVariables().map(\.name), globalVariables().map(\.name),
                    Graph.current.operations.map(\.name))
        }
        let tfLog = expected["log"] as! [[String: Any]]
        #expect(log.count == tfLog.count, "\(program): \(log.count) log entries, TF \(tfLog.count)")
        for (i, (mine, theirs)) in zip(log, tfLog).enumerated() {
            if let difference = ScopeLogComparison.difference(swift: mine, tf: theirs) {
                Issue.record("\(program) entry \(i): \(difference)")
            }
        }
        #expect(trainable == expected["trainable"] as! [String], "\(program)")
        #expect(global == expected["global"] as! [String], "\(program)")
        // Every op the program ran is in graph.operations, in order, under TF's name.
        let tfOps = tfLog.compactMap { $0["op"] as? String }
        #expect(operations == tfOps, "\(program)")
    }
}
