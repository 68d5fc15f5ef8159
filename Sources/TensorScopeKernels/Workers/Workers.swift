import Foundation

/// The cores every op spreads its work over. One pool for the whole process: the caller and
/// `count − 1` threads of `SpinningPool`, started once and kept, so an op starts no thread
/// (Dispatch's threads stand in when another op holds the pool); an op too small to repay a
/// second core runs on the calling thread (`TileScheduler` with one worker).
public enum Workers {
    /// How many workers an op spreads over: `TENSORSCOPE_NUM_THREADS` when set to a positive
    /// number, otherwise the processors this process may run on.
    public static let count: Int = {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The environment variable that sets `count` (`TENSORSCOPE_NUM_THREADS=1`).
    public static let environmentVariable = "TENSORSCOPE_NUM_THREADS"
}
