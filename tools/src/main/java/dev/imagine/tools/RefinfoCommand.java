package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.Queries;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.ReferenceInfo;
import dev.imagine.sandbox.SandboxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code imagine refinfo}: writes the official reference information of each query (one JSON line each). */
@Command(name = "refinfo", mixinStandardHelpOptions = true,
        description = "Write the reference information (official train_ref_info.jsonl format) of each query.")
final class RefinfoCommand implements Runnable {
    @Option(names = "--queries", required = true,
            description = "Queries JSONL; 5/7-day queries need a 'route' (visited cities), or give --meta.")
    Path queries;

    @Option(names = "--out", required = true, description = "Output JSONL, one reference-information object per query.")
    Path out;

    @Option(names = "--meta", description = "query_meta.jsonl with each query's route and legs (by position).")
    Path meta;

    @Option(names = "--database", description = "An official database/ folder (default: the built-in database).")
    Path database;

    @Override
    public void run() {
        Database db = database == null ? Database.builtIn() : Database.load(database, System.err);
        List<Query> qs = Queries.read(queries);
        if (meta != null) qs = Queries.attachMeta(qs, meta);
        try (var writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int i = 0; i < qs.size(); i++) {
                try {
                    writer.write(ReferenceInfo.of(db, qs.get(i)) + "\n");
                } catch (SandboxException e) {
                    throw new SandboxException(queries + " query " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.printf("wrote reference information for %d queries to %s%n", qs.size(), out);
    }
}
