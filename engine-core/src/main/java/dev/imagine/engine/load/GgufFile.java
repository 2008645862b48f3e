package dev.imagine.engine.load;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GGUF (version 2 or 3) file, memory-mapped: metadata key/values and tensors. Layout: magic "GGUF", u32 version,
 * u64 tensor count, u64 metadata count, the metadata, the tensor infos (name, dims innermost-first, type,
 * offset), padding to {@code general.alignment} (default 32), then the data. Tensors are returned with their
 * dims reversed into Hugging Face order ({@code [out, in]}). F32, F16, BF16 and Q8_0 are supported.
 *
 * <p>Usage: {@code try (GgufFile g = GgufFile.open(path)) { String arch = g.string("general.architecture"); }}
 */
public final class GgufFile implements WeightSource {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final MappedFile file;
    private final Map<String, Object> metadata;
    private final Map<String, Tensor> tensors;

    private GgufFile(MappedFile file, Map<String, Object> metadata, Map<String, Tensor> tensors) {
        this.file = file;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    public static GgufFile open(Path path) {
        MappedFile file = MappedFile.open(path);
        try {
            Reader r = new Reader(file);
            int magic = r.u32("the magic");
            if (magic != 0x46554747) throw new EngineException(path + ": not a GGUF file (bad magic)");
            int version = r.u32("the version");
            if (version != 2 && version != 3) throw new EngineException(path + ": GGUF version " + version + " is not supported (2 or 3)");
            long tensorCount = r.u64("the tensor count");
            long kvCount = r.u64("the metadata count");
            if (tensorCount < 0 || tensorCount > 1_000_000 || kvCount < 0 || kvCount > 1_000_000) {
                throw new EngineException(path + ": implausible tensor count " + tensorCount + " or metadata count " + kvCount);
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = r.string("metadata key #" + i);
                metadata.put(key, r.value(r.u32("the type of " + key), key));
            }
            record Info(String name, long[] hfShape, DType dtype, long offset) {
            }
            List<Info> infos = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = r.string("tensor info #" + i);
                int dims = r.u32("the rank of tensor " + name);
                if (dims < 1 || dims > 4) throw new EngineException(path + ": tensor " + name + " has rank " + dims);
                long[] shape = new long[dims];
                for (int d = 0; d < dims; d++) {
                    shape[dims - 1 - d] = r.u64("a dimension of tensor " + name); // GGUF stores innermost first
                    if (shape[dims - 1 - d] < 0) throw new EngineException(path + ": tensor " + name + " has a negative dimension");
                }
                int type = r.u32("the type of tensor " + name);
                DType dtype = switch (type) {
                    case 0 -> DType.F32;
                    case 1 -> DType.F16;
                    case 8 -> DType.Q8_0;
                    case 30 -> DType.BF16;
                    default -> throw new EngineException(path + ": tensor " + name + " has GGML type " + typeName(type)
                            + ", which the engine does not support (F32, F16, BF16, Q8_0)");
                };
                if (shape[dims - 1] % dtype.blockSize != 0) {
                    throw new EngineException(path + ": tensor " + name + " is " + dtype + " but its row length "
                            + shape[dims - 1] + " is not a multiple of " + dtype.blockSize);
                }
                infos.add(new Info(name, shape, dtype, r.u64("the offset of tensor " + name)));
            }
            long alignment = metadata.get("general.alignment") instanceof Number n ? n.longValue() : 32;
            if (alignment <= 0 || alignment > 1 << 20) throw new EngineException(path + ": general.alignment " + alignment + " is not plausible");
            long dataStart = (r.pos + alignment - 1) / alignment * alignment;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Info info : infos) {
                long bytes;
                try {
                    bytes = info.dtype.bytes(Tensor.elements(info.hfShape));
                } catch (ArithmeticException e) {
                    throw new EngineException(path + ": tensor " + info.name + " has a shape too large to address");
                }
                if (info.offset < 0 || info.offset > file.size()) {
                    throw new EngineException(path + ": tensor " + info.name + " has offset " + info.offset
                            + " beyond the end of the file (" + file.size() + " bytes)");
                }
                MemorySegment data = file.slice(dataStart + info.offset, bytes, "tensor " + info.name);
                tensors.put(info.name, new Tensor(info.name, info.dtype, info.hfShape, data));
            }
            return new GgufFile(file, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    static String typeName(int type) {
        String[] names = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
                "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S",
                "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
        return type >= 0 && type < names.length ? names[type] + " (" + type + ")" : "#" + type;
    }

    public Path path() {
        return file.path();
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    /** A string metadata value, or null when absent. */
    public String string(String key) {
        return metadata.get(key) instanceof String s ? s : null;
    }

    /** A numeric metadata value; throws naming the file and key when absent or not a number. */
    public Number number(String key) {
        if (metadata.get(key) instanceof Number n) return n;
        throw new EngineException(path() + ": metadata key " + key + (metadata.containsKey(key) ? " is not a number" : " is missing"));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new EngineException(path() + ": tensor " + name + " is missing");
        return t;
    }

    @Override
    public Path fileOf(String name) {
        return path();
    }

    @Override
    public void release(Tensor t) {
        file.release(t.data());
    }

    @Override
    public void close() {
        file.close();
    }

    /** A bounds-checked cursor over the header. */
    private static final class Reader {
        private final MappedFile file;
        private final MemorySegment seg;
        long pos;

        Reader(MappedFile file) {
            this.file = file;
            this.seg = file.segment();
        }

        private void need(long n, String what) {
            if (n < 0 || pos + n > seg.byteSize() || pos + n < 0) {
                throw new EngineException(file.path() + ": the header is truncated while reading " + what
                        + " (at byte " + pos + " of " + seg.byteSize() + ")");
            }
        }

        int u32(String what) {
            need(4, what);
            int v = seg.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64(String what) {
            need(8, what);
            long v = seg.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long n = u64(what);
            if (n > 1 << 24) throw new EngineException(file.path() + ": string of " + n + " bytes while reading " + what);
            need(n, what);
            String s = new String(seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        Object value(int type, String key) {
            return switch (type) {
                case 0, 1 -> {
                    need(1, key);
                    byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
                    yield type == 0 ? (Object) (b & 0xff) : (Object) (int) b;
                }
                case 2, 3 -> {
                    need(2, key);
                    short s = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
                    pos += 2;
                    yield type == 2 ? (Object) (s & 0xffff) : (Object) (int) s;
                }
                case 4 -> Integer.toUnsignedLong(u32(key));
                case 5 -> u32(key);
                case 6 -> Float.intBitsToFloat(u32(key));
                case 7 -> {
                    need(1, key);
                    yield seg.get(ValueLayout.JAVA_BYTE, pos++) != 0;
                }
                case 8 -> string(key);
                case 9 -> {
                    int elementType = u32(key);
                    long n = u64(key);
                    if (n < 0 || n > seg.byteSize()) throw new EngineException(file.path() + ": metadata " + key + " has an array of " + n + " elements");
                    List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                    for (long i = 0; i < n; i++) list.add(value(elementType, key));
                    yield list;
                }
                case 10, 11 -> u64(key);
                case 12 -> Double.longBitsToDouble(u64(key));
                default -> throw new EngineException(file.path() + ": metadata " + key + " has unknown value type " + type);
            };
        }
    }

    @Override
    public String toString() {
        return "GGUF " + path() + " " + Arrays.toString(tensors.keySet().toArray());
    }
}
