import Foundation
import TensorScope

/// Replays one program of scripts/scope_programs.py through TensorScope's public API and logs
/// the same facts the TensorFlow generator logged (see scripts/generate_scope_conformance.py).
final class ScopeProgramRunner {
    typealias Entry = [String: Any]
    var log: [Entry] = []
    var scopes: [String: VariableScope] = [:]
    let x = Tensor(zeros: [1, 4, 4, 2])
    let w = Tensor(zeros: [3, 3, 2, 2])
    let b = Tensor(zeros: [2])
    let w5 = Tensor(zeros: [5, 5, 2, 2])
    let b3 = Tensor(zeros: [3])
    /// The layer statements' input at first (and with `from_images`); each layer reads the
    /// previous one's output.
    let images = Tensor(zeros: [2, 6, 6, 3])
    lazy var h = images
    /// The program's graph, for `main_graph` (made the default again inside another graph).
    let graph = Graph.current

    init() {
        scopes["root"] = currentVariableScope()
    }

    static func errorKind(_ message: String) -> String {
        for (key, kind) in [("already exists", "exists"), ("does not exist", "missing"),
                            ("Trying to share variable", "shape"), ("did not get an initializer", "no_init"),
                            ("not a valid", "invalid_name"), ("cannot be used without", "reuse_without_name")]
        where message.contains(key) {
            return kind
        }
        return "other"
    }

    static func initializer(_ spec: String?) -> Initializer? {
        guard let spec else { return nil }
        switch spec {
        case "zeros": return .zeros
        case "ones": return .ones
        case "normal": return .randomNormal()
        case "truncated": return .truncatedNormal()
        case "glorot": return .glorotUniform()
        default:
            if spec.hasPrefix("const:") { return .constant(Float(spec.dropFirst(6))!) }
            if spec.hasPrefix("list:") { return .constant(spec.dropFirst(5).split(separator: ",").map { Float($0)! }) }
            fatalError("unknown initializer \(spec)")
        }
    }

    static func reuse(_ spec: String?) -> Reuse {
        switch spec {
        case "true": .reuse
        case "auto": .autoReuse
        default: .inherit
        }
    }

    static func reuseName(_ reuse: Reuse) -> String {
        switch reuse {
        case .inherit: "false"
        case .reuse: "true"
        case .autoReuse: "auto"
        }
    }

    func index(of variable: Variable) -> Int {
        globalVariables().firstIndex { $0 === variable } ?? -1
    }

    func run(_ statements: [Any]) {
        for statement in statements {
            do {
                try execute(statement as! [Any])
            } catch {
                let message = "\(error)"
                log.append(["error": Self.errorKind(message), "message": message])
            }
        }
    }

    func execute(_ s: [Any]) throws {
        switch s[0] as! String {
        case "vs", "vso":
            let options = s[2] as! [String: Any]
            let reuse = Self.reuse(options["reuse"] as? String)
            let initializer = Self.initializer(options["initializer"] as? String)
            let body = { (scope: VariableScope) in
                if let label = options["as"] as? String { self.scopes[label] = scope }
                self.log.append(["enter": scope.name, "reuse": Self.reuseName(scope.reuse),
                                 "original_name_scope": scope.originalNameScope])
                self.run(s[3] as! [Any])
            }
            if s[0] as! String == "vs" {
                try variableScope(s[1] as? String, defaultName: options["default_name"] as? String,
                                  reuse: reuse, initializer: initializer, body)
            } else {
                try variableScope(scopes[s[1] as! String]!, reuse: reuse, initializer: initializer, body)
            }
        case "default_graph":
            Graph.current.asDefault { run(s[1] as! [Any]) }
        case "other_graph":
            Graph().asDefault { run(s[1] as! [Any]) }
        case "main_graph":
            graph.asDefault { run(s[1] as! [Any]) }
        case "ns":
            try nameScope(s[1] as! String) { run(s[2] as! [Any]) }
        case "get":
            let options = s[3] as! [String: Any]
            let before = globalVariables().count
            let variable = try getVariable(
                s[1] as! String, shape: s[2] as? [Int], initializer: Self.initializer(options["initializer"] as? String),
                trainable: options["trainable"] as? Bool ?? true)
            var entry: Entry = ["get": variable.name, "shape": variable.shape, "index": index(of: variable),
                                "created": globalVariables().count > before]
            if globalVariables().count > before { entry["swift_values"] = variable.value.scalars }
            log.append(entry)
        case "var":
            let options = s[3] as! [String: Any]
            let variable = try Variable(Tensor(zeros: s[2] as! [Int]), name: s[1] as? String,
                                    trainable: options["trainable"] as? Bool ?? true)
            log.append(["var": variable.name, "index": index(of: variable)])
        case "op":
            let kind = s[1] as! String
            switch kind {
            case "conv": _ = try conv2d(x, w, strides: [1, 1, 1, 1], padding: .same)
            case "add": _ = try x + b
            case "relu": _ = relu(x)
            case "bias_add": _ = try biasAdd(x, b)
            case "conv_valid_too_big": _ = try conv2d(x, w5, strides: [1, 1, 1, 1], padding: .valid)
            case "add_bad": _ = try x + b3
            case "bias_add_bad": _ = try biasAdd(x, b3)
            default: fatalError("unknown op \(kind)")
            }
            let op = Graph.current.operations.last!
            log.append(["op": op.name, "type": op.type])
        case "layer":
            try layer(s[1] as! String, s[2] as! [String: Any])
        case "reuse_vars":
            let label = s[1] as! String
            (label == "current" ? currentVariableScope() : scopes[label]!).reuseVariables()
        case "scope_now":
            let scope = currentVariableScope()
            log.append(["scope": scope.name, "reuse": Self.reuseName(scope.reuse)])
        case "ns_now":
            log.append(["name_scope": currentNameScope()])
        case "values":
            let variable = globalVariables().first { $0.name == s[1] as! String }!
            log.append(["values": variable.value.scalars.map(Double.init)])
        default:
            fatalError("unknown statement \(s)")
        }
    }
}

extension ScopeProgramRunner {
    /// `["layer", kind, opts]` through `Layers`; logs each op the layer recorded, as the
    /// generator logs TensorFlow's.
    func layer(_ kind: String, _ opts: [String: Any]) throws {
        if opts["from_images"] as? Bool == true { h = images }
        let name = opts["name"] as? String
        let activation: ((Tensor) throws -> Tensor)? = opts["relu"] as? Bool == true ? { relu($0) } : nil
        let ints = { (key: String) -> [Int] in (opts[key] as? [Int]) ?? (opts[key] as? Int).map { [$0] } ?? [1] }
        let padding: Padding = opts["padding"] as? String == "same" ? .same : .valid
        let before = Graph.current.operations.count
        defer {
            for op in Graph.current.operations.dropFirst(before) { log.append(["op": op.name, "type": op.type]) }
        }
        switch kind {
        case "conv2d":
            h = try Layers.conv2d(h, filters: opts["filters"] as! Int, kernelSize: ints("kernel"), strides: ints("strides"),
                                  padding: padding, activation: activation, useBias: opts["use_bias"] as? Bool ?? true, name: name)
        case "dense":
            h = try Layers.dense(h, units: opts["units"] as! Int, activation: activation, useBias: opts["use_bias"] as? Bool ?? true,
                                 name: name)
        case "max_pool":
            h = try Layers.maxPooling2d(h, poolSize: ints("size"), strides: ints("stride"), padding: padding, name: name)
        case "avg_pool":
            h = try Layers.averagePooling2d(h, poolSize: ints("size"), strides: ints("stride"), padding: padding, name: name)
        case "bn":
            h = try Layers.batchNormalization(h, name: name)
        case "flatten":
            h = try Layers.flatten(h, name: name)
        case "dropout":
            h = try Layers.dropout(h, rate: (opts["rate"] as? Double).map(Float.init) ?? 0.5, name: name)
        default:
            fatalError("unknown layer \(kind)")
        }
    }
}

/// Compares one logged entry with TensorFlow's; returns a description of the difference.
enum ScopeLogComparison {
    static func difference(swift: [String: Any], tf: [String: Any]) -> String? {
        if let kind = tf["error"] as? String {
            guard let swiftKind = swift["error"] as? String else { return "expected error \(kind), got \(swift)" }
            guard swiftKind == kind else { return "expected error \(kind), got \(swiftKind): \(swift["message"]!)" }
            let tfMessage = tf["message"] as! String
            let swiftMessage = swift["message"] as! String
            // The facts TensorFlow's first clause states, in TensorScope's words.
            let mustStart: String? = switch kind {
            case "exists": tfMessage.components(separatedBy: " Did you mean").first
            case "missing": tfMessage.components(separatedBy: " or was not created").first
            case "shape": tfMessage.components(separatedBy: ", but specified").first
            case "no_init", "invalid_name", "reuse_without_name": tfMessage
            default: nil
            }
            if let mustStart, !swiftMessage.hasPrefix(mustStart) {
                return "message \"\(swiftMessage)\" should start \"\(mustStart)\""
            }
            return nil
        }
        if swift["error"] != nil { return "unexpected error \(swift["message"]!); TF: \(tf)" }
        if tf["get"] != nil {
            for key in ["get", "shape", "index", "created"] where !equal(swift[key], tf[key]) {
                return "\(key): \(String(describing: swift[key])) vs TF \(String(describing: tf[key]))"
            }
            guard let values = swift["swift_values"] as? [Float] else { return nil }
            if tf["deterministic"] as? Bool == true {
                let expected = (tf["values"] as! [Double]).map(Float.init)
                if values != expected { return "values \(values) vs TF \(expected)" }
            } else if values.count > 1 && Set(values).count == 1 {
                return "TF's initializer was random, TensorScope's values are all \(values[0])"
            }
            return nil
        }
        if let expected = tf["values"] as? [Double] {
            return equal(swift["values"], expected) ? nil : "values \(String(describing: swift["values"])) vs TF \(expected)"
        }
        for (key, value) in tf where !equal(swift[key], value) {
            return "\(key): \(String(describing: swift[key])) vs TF \(value)"
        }
        return swift.count == tf.count ? nil : "keys \(swift.keys.sorted()) vs TF \(tf.keys.sorted())"
    }

    static func equal(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a as String, b as String): a == b
        case let (a as Bool, b as Bool): a == b
        case let (a as Int, b as Int): a == b
        case let (a as [Int], b as [Any]): a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case let (a as [Double], b as [Any]): a.count == b.count && zip(a, b).allSatisfy { ($1 as? Double) == $0 }
        case let (a as Int, b as NSNumber): a == b.intValue
        case let (a as Bool, b as NSNumber): a == b.boolValue
        default: false
        }
    }
}
