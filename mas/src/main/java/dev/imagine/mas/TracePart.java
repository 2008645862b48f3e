package dev.imagine.mas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names of the files in a trace directory. Each flushed group of rows is one complete Arrow IPC file
 * {@code part-NNNNNN.arrow}, written as {@code .part-NNNNNN.arrow.tmp} and renamed when complete, so a
 * finished part is never partially written. A part that fails to read is renamed to {@code *.damaged}.
 */
final class TracePart {
    private TracePart() {
    }

    static final Pattern NAME = Pattern.compile("part-(\\d{6,})\\.arrow");

    static String name(long index) {
        return String.format("part-%06d.arrow", index);
    }

    static Path temp(Path dir, long index) {
        return dir.resolve("." + name(index) + ".tmp");
    }

    /** The finished parts of {@code dir}, in index order. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted((a, b) -> Long.compare(index(a), index(b)))
                    .toList();
        }
    }

    static long index(Path part) {
        Matcher m = NAME.matcher(part.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException("not a part file: " + part);
        return Long.parseLong(m.group(1));
    }

    /** Where a part waits while {@link TraceStore#dropFailed()} replaces it (hidden from readers). */
    static Path replacing(Path dir, String partName) {
        return dir.resolve("." + partName + ".replacing");
    }

    /** The part name of a {@link #replacing} file, or null if {@code p} is none. */
    static String replacedName(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".part-") && n.endsWith(".arrow.replacing") ? n.substring(1, n.length() - ".replacing".length()) : null;
    }

    /** Footer metadata key of a part written to replace an older one (its rows minus the failed ones). */
    static final String SUPERSEDES = "imagine.supersedes";

    static boolean isTemp(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".part-") && n.endsWith(".arrow.tmp");
    }
}
