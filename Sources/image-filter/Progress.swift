import Foundation

/// Progress of a run, and every line printed while it runs: on a terminal a bar redrawn in place,
/// with other lines printed above it (the bar is cleared, the line printed, the bar redrawn);
/// otherwise (a log file or a pipe) a plain line every few seconds. Images skipped along the way
/// count toward the total, so the bar always reaches it and ends its line. Lines may come from
/// the prefetch thread as well as the main one.
final class Progress: @unchecked Sendable {
    let total: Int
    let interactive: Bool
    private let lock = NSLock()
    private let start = Date()
    private var lastLine = Date.distantPast
    private var barShown = false
    // Guarded by `lock`.
    private var processed = 0
    private var skipped = 0
    /// Seconds spent in the forward passes alone (main thread only).
    var computeSeconds = 0.0

    init(total: Int, interactive: Bool = isatty(STDOUT_FILENO) != 0) {
        self.total = total
        self.interactive = interactive
    }

    /// Images computed so far.
    var done: Int { lock.withLock { processed } }

    /// Prints `line` on a line of its own (above the bar on a terminal).
    func note(_ line: String) {
        lock.withLock { printAboveBar(line) }
    }

    /// Prints `line` for an image left out, which counts toward the total.
    func skip(_ line: String) {
        lock.withLock {
            skipped += 1
            printAboveBar(line)
            report()
        }
    }

    func advance(by count: Int) {
        lock.withLock {
            processed += count
            report()
        }
    }

    private func printAboveBar(_ line: String) {
        if interactive && barShown { print("\r\u{1B}[K", terminator: "") }
        print(line)
        if interactive && barShown { drawBar() }
    }

    private func report() {
        if interactive {
            drawBar()
        } else if Date().timeIntervalSince(lastLine) >= 5 || processed + skipped == total {
            lastLine = Date()
            print(String(format: "%d/%d images%@, %.1f images/s, ETA %@", processed + skipped, total, skippedText,
                         rate, Progress.duration(remaining)))
        }
    }

    private var rate: Double {
        let elapsed = Date().timeIntervalSince(start)
        return elapsed > 0 ? Double(processed) / elapsed : 0
    }

    private var remaining: Double { rate > 0 ? Double(total - processed - skipped) / rate : 0 }

    private var skippedText: String { skipped > 0 ? " (\(skipped) skipped)" : "" }

    private func drawBar() {
        let width = 30, reached = processed + skipped
        let filled = total > 0 ? width * min(reached, total) / total : width
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let finished = reached >= total
        print(String(format: "\r[%@] %d/%d images%@  %.1f images/s  ETA %@", bar, reached, total, skippedText, rate,
                     Progress.duration(remaining)), terminator: finished ? "\n" : "")
        fflush(nil)
        barShown = !finished
    }

    /// The closing line: end-to-end and compute-only throughput, labelled, then each stage's
    /// busy time — decode and write run on threads of their own beside compute, so the stage
    /// with the most time is the one that bound the run.
    func summary(decodeSeconds: Double, writeSeconds: Double) -> String {
        let stages = [("decode", decodeSeconds), ("compute", computeSeconds), ("write", writeSeconds)]
        let bound = stages.max { $0.1 < $1.1 }!.0
        return summary() + String(format: "; stages: decode %.2f s, compute %.2f s, write %.2f s (bound by %@)",
                                  decodeSeconds, computeSeconds, writeSeconds, bound)
    }

    /// The closing line's throughput part.
    func summary() -> String {
        let elapsed = Date().timeIntervalSince(start)
        let done = self.done
        func rate(_ seconds: Double) -> String {
            // Very short runs say so instead of printing a rate of 0.0 or of thousands.
            seconds >= 0.001 ? String(format: "%.1f", Double(done) / seconds) : "n/a (under 1 ms)"
        }
        return String(format: "%d image(s) in %.2f s: %@ images/s end to end (read + compute + write), %@ images/s compute only",
                      done, elapsed, rate(elapsed), rate(computeSeconds))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0 s" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }
}
