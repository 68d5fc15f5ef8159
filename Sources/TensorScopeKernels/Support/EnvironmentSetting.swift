import Foundation

/// Reads an environment variable that names one case of an enum (`TENSORSCOPE_CONV_ALGORITHM`,
/// `TENSORSCOPE_ISA`), case-insensitively.
package enum EnvironmentSetting {
    /// The case `variable` names; nil when it is unset or empty.
    ///
    /// - Throws: `.invalidArgument` naming the variable and the accepted values for any other text.
    package static func read<T: CaseIterable & RawRepresentable>(_ variable: String, as: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        guard let value = T(rawValue: text.lowercased()) else {
            throw TensorScopeError.invalidArgument(
                variable, expected: "one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", got: "\"\(text)\"")
        }
        return value
    }
}
