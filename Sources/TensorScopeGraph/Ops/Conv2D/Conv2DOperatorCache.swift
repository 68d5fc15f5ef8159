import Synchronization
import TensorScopeKernels

/// The convolution operator a prepared op made on its last call, kept for the next one
/// (XNNPACK's create once, run many): a `Session` step's convolution has one geometry for all its
/// runs, so the planner's choice and the operator's setup are the same every run while the
/// instruction set, the pinned algorithm (and the operator's own finer pins, `isStillChosen`) and
/// the filter's value are.
///
/// Kept only for a filter read from a variable (or a plan's constant, which has a holder
/// variable): its version names its value, and so the packed form the operator holds. A filter
/// computed during the run has no version and gets a new operator per call.
final class Conv2DOperatorCache: Sendable {
    /// A class: reading the entry under the lock then copies one reference, not an existential
    /// and its fields.
    private final class Entry: Sendable {
        let isa: KernelISA?
        let pinned: Conv2DAlgorithm?
        /// Held, so no other variable can take its identity while the entry lives.
        let filter: Variable
        let version: UInt64
        let made: any Conv2DOperator

        init(isa: KernelISA?, pinned: Conv2DAlgorithm?, filter: Variable, version: UInt64, made: any Conv2DOperator) {
            (self.isa, self.pinned, self.filter, self.version, self.made) = (isa, pinned, filter, version, made)
        }
    }

    private let entry = Mutex<Entry?>(nil)

    /// The operator for `filter` now: the kept one when nothing it depends on has changed,
    /// otherwise `make(isa, pinned)`'s, kept in its place.
    func operatorFor(
        filter: KernelArgument, make: (KernelISA?, Conv2DAlgorithm?) -> any Conv2DOperator
    ) -> any Conv2DOperator {
        let isa = KernelISA.current, pinned = Conv2DAlgorithm.pinned
        guard let variable = filter.variable?.variable, let version = filter.variable?.snapshot.version else {
            return make(isa, pinned)
        }
        if let kept = entry.withLock({ $0 }), kept.filter === variable, kept.version == version, kept.isa == isa,
           kept.pinned == pinned, kept.made.isStillChosen {
            return kept.made
        }
        let made = make(isa, pinned)
        let kept = Entry(isa: isa, pinned: pinned, filter: variable, version: version, made: made)
        entry.withLock { $0 = kept }
        return made
    }
}
