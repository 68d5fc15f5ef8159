import TensorScopeKernels
extension Graph.State {
    /// TensorFlow's `Graph.unique_name` for a full name (the name stack already prepended):
    /// counters are keyed by the lower-cased name, a taken candidate is skipped, and the
    /// result keeps the caller's capitalisation.
    /// Takes `name` as it is, for an op imported under its own name: false when an op of
    /// exactly that name exists. (Names that differ only in case may both be imported, as
    /// TensorFlow's importer allows; later automatic names still avoid both.)
    mutating func reserveExactName(_ name: String) -> Bool {
        guard exactNames.insert(name).inserted else { return false }
        let key = name.lowercased()
        namesInUse[key] = max(namesInUse[key, default: 0], 1)
        return true
    }

    mutating func uniqueName(_ name: String) -> String {
        var key = name.lowercased()
        var i = namesInUse[key, default: 0]
        namesInUse[key] = i + 1
        guard i > 0 else { return name }
        let base = key
        while namesInUse[key] != nil {
            key = "\(base)_\(i)"
            i += 1
        }
        namesInUse[key] = 1
        return "\(name)_\(i - 1)"
    }
}

/// TensorFlow's name rules (`ops.py`, from `node_def_util.cc`).
enum NameRules {
    /// `^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$`: names of ops and of scopes opened at the root.
    static func isValidRootName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
              isAlphanumeric(first) || first == "." else { return false }
        return isValidScopeName(name)
    }

    /// `^[A-Za-z0-9_.\\/>-]*$`: scopes opened below the root may start with `_`, `-`, `/`, `\`.
    static func isValidScopeName(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { isAlphanumeric($0) || "_.\\/>-".unicodeScalars.contains($0) }
    }

    private static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c)
    }

    /// The check `tf.name_scope` makes: the stricter rule at the root, the looser below.
    static func validateScopeName(_ name: String, underStack stack: String) throws {
        if stack.isEmpty {
            guard isValidRootName(name) else {
                throw TensorScopeError(
                    .invalidName,
                    "'\(name)' is not a valid root scope name. A root scope name has to match the following pattern: ^[A-Za-z0-9.][A-Za-z0-9_.\\\\/>-]*$")
            }
        } else {
            guard isValidScopeName(name) else {
                throw TensorScopeError(
                    .invalidName,
                    "'\(name)' is not a valid scope name. A scope name has to match the following pattern: ^[A-Za-z0-9_.\\\\/>-]*$")
            }
        }
    }
}
