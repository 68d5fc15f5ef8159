import Synchronization
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// The library prints nothing itself: messages go to a handler a program can replace.
@Suite(.serialized) struct DiagnosticsTests {
    @Test func messagesGoToTheHandler() {
        let received = Mutex<[String]>([])
        let saved = Diagnostics.handler
        defer { Diagnostics.handler = saved }
        Diagnostics.handler = { message in received.withLock { $0.append(message) } }
        Diagnostics.report("TensorScope: one")
        Diagnostics.report("TensorScope: two")
        #expect(received.withLock { $0 } == ["TensorScope: one", "TensorScope: two"])
    }
}
