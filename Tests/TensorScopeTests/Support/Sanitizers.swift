import Foundation

/// Whether the test binary runs under a sanitizer (`swift test --sanitize=address`): the
/// AddressSanitizer runtime exports `__asan_init`. Tests whose subject the sanitizer replaces
/// (glibc's `mallopt`) check what holds under it instead, and say so.
enum Sanitizers {
    static let addressSanitizerActive: Bool = dlsym(dlopen(nil, RTLD_LAZY), "__asan_init") != nil
}
