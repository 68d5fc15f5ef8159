import Foundation

/// Progress of a run: a bar redrawn in place on a terminal, plain lines every few seconds
/// otherwise (a log file or a pipe), and the closing throughput line.
final class Progress {
    let total: Int
    let interactive = isatty(STDOUT_FILENO) != 0
    private let start = Date()
    private var lastLine = Date.distantPast
    private(set) var done = 0
    /// Seconds spent in the forward passes alone.
    var computeSeconds = 0.0

    init(total: Int) {
        self.total = total
    }

    func advance(by count: Int) {
        done += count
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        if interactive {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            print(String(format: "\r[%@] %d/%d images  %.1f images/s  ETA %@", bar, done, total, rate, Progress.duration(remaining)),
                  terminator: done == total ? "\n" : "")
            fflush(nil)
        } else if Date().timeIntervalSince(lastLine) >= 5 || done == total {
            lastLine = Date()
            print(String(format: "%d/%d images, %.1f images/s, ETA %@", done, total, rate, Progress.duration(remaining)))
        }
    }

    /// The closing line: end-to-end and compute-only throughput, labelled.
    func summary() -> String {
        let elapsed = Date().timeIntervalSince(start)
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
