package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TeacherServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static List<MasQuery> queries(int n) {
        List<MasQuery> qs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = "{\"org\":\"Org" + i + "\",\"dest\":\"Dest" + i + "\",\"days\":3,\"visiting_city_number\":1,\"date\":[\"2022-03-01\",\"2022-03-02\",\"2022-03-03\"],"
                    + "\"people_number\":1,\"local_constraint\":{\"house rule\":null,\"cuisine\":null,\"room type\":null,\"transportation\":null},\"budget\":1000,"
                    + "\"query\":\"trip " + i + "\",\"level\":\"easy\"}";
            qs.add(new MasQuery("q" + i, "trip " + i, json, "{}"));
        }
        return qs;
    }

    @Test
    void speaksTheOpenAiApi() throws Exception {
        try (TeacherServer server = TeacherServer.start(new BuiltInTeacher(new FakeBackend(), 0.0, 1), 0);
             HttpClient http = HttpClient.newHttpClient()) {
            assertEquals("127.0.0.1", server.baseUrl().getHost());
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
            assertEquals(MasConfig.REASONER_MODEL, JSON.readTree(models.body()).path("data").path(0).path("id").asText());

            MasQuery q = queries(1).getFirst();
            String user = "Query: x\n\nQuery (JSON): " + q.queryJson() + "\n\nReference information (JSON): {}";
            String body = JSON.writeValueAsString(JSON.createObjectNode().put("model", "whatever")
                    .set("messages", JSON.createArrayNode()
                            .add(JSON.createObjectNode().put("role", "system").put("content", "You are the Reasoner of a team"))
                            .add(JSON.createObjectNode().put("role", "user").put("content", user))));
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, chat.statusCode(), chat.body());
            JsonNode message = JSON.readTree(chat.body()).path("choices").path(0).path("message");
            assertTrue(message.path("reasoning_content").asText().contains("Day 1"), message.toString());
            assertTrue(message.path("content").asText().contains("```json"), message.toString());
            assertTrue(JSON.readTree(chat.body()).path("usage").path("prompt_tokens").asLong() > 0);

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, unknown.statusCode());
            assertTrue(JSON.readTree(unknown.body()).path("error").path("message").asText().contains("cannot tell the role"));
            HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{oops")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, notJson.statusCode());
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nothing")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
        }
    }

    @Test
    void masOverHttpAgainstTheBuiltInTeacher() throws Exception {
        List<MasQuery> qs = queries(40);
        FakeBackend backend = new FakeBackend();
        try (TeacherServer server = TeacherServer.start(new BuiltInTeacher(backend, 0.5, 7), 0);
             TraceStore store = TraceStore.open(tmp)) {
            var outcome = new Orchestrator(MasConfig.sameServer(server.baseUrl(), null, 8), backend::score).run(qs, store, (r, k, n) -> { });
            assertEquals(new Orchestrator.Outcome(0, 40, 0), outcome);
        }
        List<TraceRow> rows = TraceReader.readAll(tmp);
        assertEquals(40, rows.size());
        int mistakes = 0;
        for (TraceRow r : rows) {
            assertNull(r.error());
            boolean wrong = !r.reasonerScore().finalPass();
            if (wrong) mistakes++;
            assertEquals(wrong ? "Errors exist." : "No errors.", r.judge1Verdict(), "the judge is the evaluator's verdict");
            assertEquals(wrong, r.reflected());
            assertTrue(r.finalScore().finalPass(), "the Reflector's correction passes");
            if (wrong) assertTrue(r.reflection().contains("is_valid_information_in_sandbox"), r.reflection());
            assertTrue(r.reasoner().reasoning().startsWith("The trip starts and ends in Org"), r.reasoner().reasoning());
        }
        assertTrue(mistakes > 8 && mistakes < 32, "about half the plans carry a deliberate mistake: " + mistakes);
    }

    @Test
    void recognisesRoles() {
        assertEquals(Role.JUDGE, BuiltInTeacher.roleOf("imagine-teacher-judge", ""));
        assertEquals(Role.REFLECTOR, BuiltInTeacher.roleOf("gpt-4", "You are the Reflector of a travel-planning team."));
        assertNull(BuiltInTeacher.roleOf("gpt-4", "Hello"));
    }
}
