package dev.imagine.engine.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt or wrong checkpoints give an EngineException naming the file and the tensor (or field), never a crash. */
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path copyOf(String golden) throws IOException {
        Path src = resource(golden), dst = dir.resolve(golden);
        if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
            for (String f : new String[]{"config.json", "model.safetensors"}) Files.copy(src.resolve(f), dst.resolve(f));
        } else {
            Files.copy(src, dst);
        }
        return dst;
    }

    private static void assertFails(Path model, String... mustContain) {
        EngineException e = assertThrows(EngineException.class, () -> Qwen3Weights.open(model).close());
        for (String s : mustContain) assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should name " + s);
    }

    /** Rewrites the safetensors JSON header of a folder's model.safetensors, keeping the data bytes. */
    private static void editHeader(Path folder, Consumer<ObjectNode> edit) throws IOException {
        Path file = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(Arrays.copyOfRange(bytes, 8, 8 + (int) n));
        edit.accept(header);
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
        Files.write(file, out.array());
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path m = copyOf("tiny-f32");
        byte[] b = Files.readAllBytes(m.resolve("model.safetensors"));
        Files.write(m.resolve("model.safetensors"), Arrays.copyOf(b, b.length - 1000));
        assertFails(m, "model.safetensors", "tensor model.layers.1.self_attn.v_proj.weight", "truncated");
        Files.write(m.resolve("model.safetensors"), Arrays.copyOf(b, 100));
        assertFails(m, "model.safetensors", "header");
    }

    @Test
    void offsetBeyondTheFile() throws IOException {
        Path m = copyOf("tiny-f32");
        editHeader(m, h -> ((ObjectNode) h.get("model.layers.1.mlp.up_proj.weight")).putArray("data_offsets").add(1L << 40).add((1L << 40) + 49152));
        assertFails(m, "model.safetensors", "model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void missingTensor() throws IOException {
        Path m = copyOf("tiny-bf16");
        editHeader(m, h -> h.remove("model.layers.1.self_attn.k_norm.weight"));
        assertFails(m, "model.safetensors", "model.layers.1.self_attn.k_norm.weight", "missing");
    }

    @Test
    void wrongShapeForTheConfig() throws IOException {
        Path m = copyOf("tiny-f32");
        String config = Files.readString(m.resolve("config.json")).replace("\"intermediate_size\": 192", "\"intermediate_size\": 128");
        Files.writeString(m.resolve("config.json"), config);
        assertFails(m, "model.safetensors", "model.layers.0.mlp.gate_proj.weight", "[192, 64]", "[128, 64]");
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path m = copyOf("tiny-f32");
        editHeader(m, h -> ((ObjectNode) h.get("model.norm.weight")).put("dtype", "I32"));
        assertFails(m, "model.safetensors", "model.norm.weight", "I32");
    }

    @Test
    void nonQwen3Config() throws IOException {
        Path m = copyOf("tiny-f32");
        String config = Files.readString(m.resolve("config.json")).replace("\"qwen3\"", "\"llama\"").replace("Qwen3ForCausalLM", "LlamaForCausalLM");
        Files.writeString(m.resolve("config.json"), config);
        assertFails(m, "config.json", "llama", "only Qwen3");
    }

    /** Position just after the first occurrence of {@code marker} in {@code b}. */
    private static int after(byte[] b, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + m.length <= b.length; i++) {
            for (int j = 0; j < m.length; j++) if (b[i + j] != m[j]) continue outer;
            return i + m.length;
        }
        throw new AssertionError(marker + " not found");
    }

    @Test
    void truncatedGguf() throws IOException {
        Path g = copyOf("tiny-f32.gguf");
        byte[] b = Files.readAllBytes(g);
        Files.write(g, Arrays.copyOf(b, b.length - 100));
        assertFails(g, "tiny-f32.gguf", "tensor output.weight", "truncated");
        Files.write(g, Arrays.copyOf(b, 3000));
        assertFails(g, "tiny-f32.gguf", "truncated");
    }

    @Test
    void ggufOffsetBeyondTheFileAndUnsupportedType() throws IOException {
        Path g = copyOf("tiny-f32.gguf");
        byte[] b = Files.readAllBytes(g);
        // tensor info: name, u32 rank (1), u64 dim, u32 type, u64 offset
        int info = after(b, "output_norm.weight");
        byte[] beyond = b.clone();
        ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putLong(info + 4 + 8 + 4, 1L << 40);
        Files.write(g, beyond);
        assertFails(g, "tiny-f32.gguf", "output_norm.weight", "beyond");
        byte[] q4k = b.clone();
        ByteBuffer.wrap(q4k).order(ByteOrder.LITTLE_ENDIAN).putInt(info + 4 + 8, 12);
        Files.write(g, q4k);
        assertFails(g, "tiny-f32.gguf", "output_norm.weight", "Q4_K");
    }

    @Test
    void nonQwen3Gguf() throws IOException {
        Path g = copyOf("tiny-bf16.gguf");
        byte[] b = Files.readAllBytes(g);
        int value = after(b, "general.architecture") + 4 + 8; // u32 type, u64 length, then the string
        System.arraycopy("llama".getBytes(StandardCharsets.US_ASCII), 0, b, value, 5);
        Files.write(g, b);
        assertFails(g, "tiny-bf16.gguf", "llama", "only qwen3");
    }

    @Test
    void missingFilesAndNotAModel() throws IOException {
        assertFails(dir.resolve("nothing-here"), "nothing-here");
        Files.writeString(dir.resolve("junk.gguf"), "this is not a gguf file at all");
        assertFails(dir.resolve("junk.gguf"), "junk.gguf", "not a GGUF");
    }
}
