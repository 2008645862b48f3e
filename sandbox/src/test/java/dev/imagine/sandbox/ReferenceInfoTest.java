package dev.imagine.sandbox;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReferenceInfoTest {
    /** Rebuilds every reference-information line from the database and compares bytes (train = the official file). */
    @ParameterizedTest
    @ValueSource(strings = {"train", "visible"})
    void reproducesTheReferenceInformationByteForByte(String set) throws IOException {
        Path dir = Files.createTempDirectory("refinfo");
        Path queries = dir.resolve("queries.jsonl"), meta = dir.resolve("query_meta.jsonl");
        Files.write(queries, QueryPlanTest.resource(set + "/queries.jsonl").readAllBytes());
        Files.write(meta, QueryPlanTest.resource(set + "/query_meta.jsonl").readAllBytes());
        List<Query> withRoutes = Queries.attachMeta(Queries.read(queries), meta);
        String[] expected = new String(QueryPlanTest.resource(set + "/reference_information.jsonl.gz").readAllBytes(),
                StandardCharsets.UTF_8).split("\n");
        assertEquals(withRoutes.size(), expected.length);
        Database db = Database.builtIn();
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], ReferenceInfo.of(db, withRoutes.get(i)), set + " query " + i);
    }
}
