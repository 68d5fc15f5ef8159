"""The seed program, my_image_filter, in TensorFlow 1.x — shared by the fixture generators."""
import tensorflow as tf

v1 = tf.compat.v1


def conv_relu(x, kernel_shape, bias_shape, weights_init=None, biases_init=None):
    weights = v1.get_variable("weights", kernel_shape, initializer=weights_init or v1.random_normal_initializer())
    biases = v1.get_variable("biases", bias_shape, initializer=biases_init or v1.constant_initializer(0.0))
    conv = tf.nn.conv2d(x, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def my_image_filter(x, channels=3, **inits):
    with v1.variable_scope("conv1"):
        relu1 = conv_relu(x, [5, 5, channels, 32], [32], **inits)
    with v1.variable_scope("conv2"):
        return conv_relu(relu1, [5, 5, 32, 32], [32], **inits)
