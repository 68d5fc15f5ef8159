import Testing
import TensorScope

/// conv2d against outputs TensorFlow computed (scripts/generate_conv_fixtures.py), 1e-4 relative.
@Suite struct Conv2DTensorFlowTests {
    @Test func thereAreAtLeastFifteenFixtures() throws {
        let names = try ConvFixture.all().map(\.header.name)
        #expect(names.count >= 15)
        for required in ["seed_layer_same", "stride2_same_odd", "dilation2_same", "pointwise_1x1",
                         "kernel_larger_than_input_same", "odd_sizes_same", "rgb_few_filters_valid", "gray_wide_same"] {
            #expect(names.contains(required), "missing fixture \(required)")
        }
    }

    @Test(arguments: try ConvFixture.all(), ConvPath.all)
    func matchesTensorFlow(_ fixture: ConvFixture, path: ConvPath) throws {
        let h = fixture.header
        let padding: Padding = h.padding == "SAME" ? .same : .valid
        guard let y = try path.run({
            try conv2d(fixture.input, fixture.filter, strides: h.strides, padding: padding, dilations: h.dilations)
        }) else { return }
        #expect(y.shape == h.output)
        expectClose(y.scalars, fixture.output.scalars, relative: 1e-4, h.name)
    }
}
