package dev.imagine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Example data shipped with the sandbox (see resources/dev/imagine/sandbox/examples/README.md): the 45
 * official train queries with their routes, and 450 plans for them in families (annotated, greedy,
 * mutations), for demos and smoke tests.
 *
 * <pre>{@code EvalReport r = EvalReport.run(new Evaluator(Database.builtIn()), Examples.trainQueries(), Examples.trainPlans());}</pre>
 */
public final class Examples {
    private Examples() {
    }

    /** The 45 train queries, with route and legs attached. */
    public static List<Query> trainQueries() {
        List<Query> queries = read("train_queries.jsonl", in -> Queries.read("examples/train_queries.jsonl", in));
        return read("train_query_meta.jsonl", in -> Queries.attachMeta(queries, "examples/train_query_meta.jsonl", in));
    }

    /** The 450 train plans ({"query_idx", "variant", "plan", "note"} rows). */
    public static List<PlanRow> trainPlans() {
        return read("train_plans.jsonl.gz", in -> Plans.read("examples/train_plans.jsonl", in));
    }

    private interface Reader<T> {
        T read(InputStream in) throws IOException;
    }

    private static <T> T read(String name, Reader<T> reader) {
        try (InputStream in = open(name)) {
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = Examples.class.getResourceAsStream("/dev/imagine/sandbox/examples/" + name);
        if (in == null) throw new IllegalStateException("missing resource examples/" + name);
        return name.endsWith(".gz") ? new GZIPInputStream(in) : in;
    }
}
