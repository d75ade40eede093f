package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** uint8 {@code .npy} files (how image stacks come) read as INT32 values 0..255. */
class NpyUnsignedByteTests {
    /** A version 1.0 file as numpy.save writes it: magic, version, header padded to 64 bytes, data. */
    private static byte[] npy(String header, byte[] data) {
        int unpadded = 10 + header.length() + 1;
        int padding = 64 - unpadded % 64;
        String text = header + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    @Test
    void everyByteValueReadsAsItsUnsignedValue() {
        byte[] data = new byte[256];
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i;
        }
        Tensor t = Npy.fromBytes(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (16, 16), }", data));
        assertThat(t.dtype()).isEqualTo(DType.INT32);
        assertThat(t.shape()).containsExactly(16, 16);
        for (int i = 0; i < 256; i++) {
            assertThat(t.getDouble(i / 16, i % 16)).as("element %d", i).isEqualTo(i);
        }
    }

    @Test
    void fortranOrderedBytesGiveTheRightElements() {
        // Column-major [2, 3]: memory holds column 0 (10, 200), column 1 (11, 201), column 2 (12, 255).
        byte[] data = {10, (byte) 200, 11, (byte) 201, 12, (byte) 255};
        Tensor t = Npy.fromBytes(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", data));
        assertThat(t.getDouble(0, 0)).isEqualTo(10);
        assertThat(t.getDouble(1, 0)).isEqualTo(200);
        assertThat(t.getDouble(0, 2)).isEqualTo(12);
        assertThat(t.getDouble(1, 2)).isEqualTo(255);
    }
}
