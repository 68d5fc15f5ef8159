import Foundation
import Synchronization

/// Where the library's rare advisory messages go: it never prints by itself.
///
/// The only message today is the one-time warning that OpenBLAS runs a slower kernel than the
/// CPU supports (silenced by `TENSORSCOPE_NO_KERNEL_WARNING=1`). By default a message is written
/// to standard error as one line starting `TensorScope:`; a program that logs differently
/// replaces the handler, or sets one that ignores messages.
///
/// ```swift
/// Diagnostics.handler = { message in logger.warning("\(message)") }
/// ```
public enum Diagnostics {
    /// Writes `message` and a newline to standard error.
    public static let standardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    private static let current = Mutex<@Sendable (String) -> Void>(standardError)

    /// The function every diagnostic message is handed to; `standardError` until replaced.
    public static var handler: @Sendable (String) -> Void {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    package static func report(_ message: String) {
        handler(message)
    }
}
