package dev.imagine.mas;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Arrow schema of a trace file (one row per query) and the copy of {@link TraceRow} columns into and
 * out of Arrow vectors. All columns are nullable: utf8 for text/JSON, int64 for tokens and latencies,
 * int32 for counts, bool for pass flags. Column names are those of {@link TraceRow#toColumns()}.
 */
public final class TraceSchema {
    private TraceSchema() {
    }

    private static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
    private static final ArrowType INT64 = new ArrowType.Int(64, true);
    private static final ArrowType INT32 = new ArrowType.Int(32, true);
    private static final ArrowType BOOL = ArrowType.Bool.INSTANCE;

    public static final Schema SCHEMA = build();

    private static Schema build() {
        List<Field> f = new ArrayList<>();
        for (String n : List.of("query_id", "status", "error", "query", "query_json", "reference_information")) f.add(field(n, UTF8));
        for (String p : TraceRow.ROLE_PREFIXES) {
            for (String n : List.of("_model", "_request", "_response", "_reasoning")) f.add(field(p + n, UTF8));
            for (String n : List.of("_prompt_tokens", "_completion_tokens", "_latency_ms")) f.add(field(p + n, INT64));
            f.add(field(p + "_attempts", INT32));
        }
        for (String n : List.of("judge1_verdict", "judge2_verdict", "reflection", "reasoner_plan_json", "final_plan_json")) f.add(field(n, UTF8));
        for (String p : TraceRow.SCORE_PREFIXES) {
            for (String n : List.of("_delivered", "_commonsense_pass", "_hard_pass", "_final_pass")) f.add(field(p + n, BOOL));
            f.add(field(p + "_checks_passed", INT32));
            f.add(field(p + "_checks_evaluated", INT32));
            f.add(field(p + "_eval_json", UTF8));
        }
        f.add(field("training_prompt", UTF8));
        f.add(field("training_text", UTF8));
        f.add(field("training_prompt_tokens", INT32));
        f.add(field("training_tokens", INT32));
        return new Schema(f);
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /** Writes {@code rows} into the (freshly allocated) root, one Arrow row each. */
    static void fill(VectorSchemaRoot root, List<TraceRow> rows) {
        root.allocateNew();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> columns = rows.get(i).toColumns();
            for (FieldVector v : root.getFieldVectors()) {
                Object value = columns.get(v.getName());
                if (value == null) {
                    v.setNull(i);
                    continue;
                }
                switch (v) {
                    case VarCharVector s -> s.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
                    case BigIntVector l -> l.setSafe(i, (Long) value);
                    case IntVector n -> n.setSafe(i, (Integer) value);
                    case BitVector b -> b.setSafe(i, (Boolean) value ? 1 : 0);
                    default -> throw new IllegalStateException("unexpected vector " + v.getClass());
                }
            }
        }
        root.setRowCount(rows.size());
    }

    /** Reads row {@code i} of a loaded batch back into column name → value. */
    static Map<String, Object> row(VectorSchemaRoot root, int i) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (FieldVector v : root.getFieldVectors()) {
            Object value;
            if (v.isNull(i)) value = null;
            else value = switch (v) {
                case VarCharVector s -> new String(s.get(i), StandardCharsets.UTF_8);
                case BigIntVector l -> l.get(i);
                case IntVector n -> n.get(i);
                case BitVector b -> b.get(i) != 0;
                default -> throw new MasException("unexpected column type of '" + v.getName() + "': " + v.getField().getType());
            };
            c.put(v.getName(), value);
        }
        return c;
    }
}
