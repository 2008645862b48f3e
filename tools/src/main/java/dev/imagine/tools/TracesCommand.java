package dev.imagine.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.mas.MasException;
import dev.imagine.mas.RunSummary;
import dev.imagine.mas.TraceReader;
import dev.imagine.mas.TraceRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** {@code imagine traces stats|show|export-jsonl DIR}: look into an Arrow trace directory written by {@code mas run}. */
@Command(name = "traces", mixinStandardHelpOptions = true,
        description = "Inspect Arrow trace directories written by 'imagine mas run': stats, show one row, export as JSONL.")
final class TracesCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        throw new UserError("name a subcommand: stats, show or export-jsonl (see 'imagine traces --help')");
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Rows, failures, judge error rate, reflection rate, plan pass rates.")
    void stats(@Parameters(paramLabel = "DIR", description = "trace directory (or one .arrow file)") Path dir) {
        PrintStream out = System.out;
        RunSummary.Counter counter = new RunSummary.Counter();
        int parts;
        try (TraceReader reader = TraceReader.open(dir)) {
            parts = reader.parts().size();
            reader.forEachRow(counter::add);
        }
        out.println(dir + ": " + parts + " part file(s)");
        counter.summary().lines().forEach(out::println);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one row, column by column.")
    void show(@Parameters(paramLabel = "DIR", description = "trace directory (or one .arrow file)") Path dir,
              @Option(names = "--id", description = "query id of the row (default: the first row)") String id,
              @Option(names = "--column", description = "print only this column, in full") String column,
              @Option(names = "--full", description = "do not shorten long values") boolean full) {
        AtomicReference<TraceRow> found = new AtomicReference<>();
        try (TraceReader reader = TraceReader.open(dir)) {
            reader.forEachRow(r -> {
                if (found.get() == null && (id == null || id.equals(r.queryId()))) found.set(r);
            });
        }
        if (found.get() == null) throw new MasException(id == null ? dir + " holds no rows" : "no row with query id " + id + " in " + dir);
        Map<String, Object> columns = found.get().toColumns();
        if (column != null) {
            if (!columns.containsKey(column)) throw new MasException("no column '" + column + "'; columns: " + columns.keySet());
            System.out.println(columns.get(column));
            return;
        }
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            String v = String.valueOf(e.getValue());
            if (!full && v.length() > 300) v = v.substring(0, 300).replace("\n", "\\n") + "… (" + v.length() + " chars; --full or --column " + e.getKey() + ")";
            System.out.println(e.getKey() + ": " + v);
        }
    }

    @Command(name = "export-jsonl", mixinStandardHelpOptions = true, description = "Write every row as one JSON object per line.")
    void exportJsonl(@Parameters(paramLabel = "DIR", description = "trace directory (or one .arrow file)") Path dir,
                     @Option(names = "--out", required = true, description = "output .jsonl file, or - for stdout") String out) throws IOException {
        AtomicInteger rows = new AtomicInteger();
        try (Writer w = out.equals("-") ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8);
             TraceReader reader = TraceReader.open(dir)) {
            BufferedWriter line = new BufferedWriter(w);
            reader.forEachRow(r -> {
                try {
                    line.write(JSON.writeValueAsString(r.toColumns()));
                    line.write('\n');
                    rows.incrementAndGet();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            line.flush();
        }
        if (!out.equals("-")) System.err.println("wrote " + rows.get() + " rows to " + out);
    }
}
