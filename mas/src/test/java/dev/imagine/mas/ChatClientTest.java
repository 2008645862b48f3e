package dev.imagine.mas;

import dev.imagine.mas.FaultyServer.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ChatClientTest {
    static final RetryPolicy FAST = new RetryPolicy(8, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(2), 7);
    static final List<ChatMessage> HELLO = List.of(ChatMessage.system("be brief"), ChatMessage.user("hello"));

    static Endpoint endpoint(FaultyServer server, Duration timeout) {
        return new Endpoint(server.base(), "fake-model", null, 0.0, 64, timeout);
    }

    @Test
    void readsContentReasoningUsageAndLatency() throws Exception {
        try (var server = new FaultyServer(n -> Fault.OK, body -> FaultyServer.completion("the plan", "step 1\nstep 2"));
             var client = new ChatClient(FAST, 4)) {
            ChatResponse r = client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO);
            assertEquals("the plan", r.content());
            assertEquals("step 1\nstep 2", r.reasoning());
            assertEquals(11, r.promptTokens());
            assertEquals(7, r.completionTokens());
            assertEquals(1, r.attempts());
            assertTrue(r.latencyMillis() >= 0);
        }
    }

    @Test
    void understandsInlineThinkBlocks() {
        assertEquals(new ReasoningSplit("a\nb", "answer"), ReasoningSplit.of("<think>\na\nb\n</think>\n\nanswer", null));
        assertEquals(new ReasoningSplit("opened by template", "answer"), ReasoningSplit.of("opened by template</think>answer", null));
        assertEquals(new ReasoningSplit("", "just text"), ReasoningSplit.of("just text", null));
        assertEquals(new ReasoningSplit("field", "answer"), ReasoningSplit.of("<think></think>answer", "field"));
    }

    @Test
    void retriesEveryTransientFaultThenSucceeds() throws Exception {
        Fault[] script = {Fault.TOO_MANY, Fault.SERVER_ERROR, Fault.TRUNCATED, Fault.MALFORMED, Fault.RESET, Fault.OK};
        try (var server = new FaultyServer(n -> script[Math.min(n, script.length - 1)],
                body -> FaultyServer.completion("<think>why</think>ok", null));
             var client = new ChatClient(FAST, 4)) {
            ChatResponse r = client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO);
            assertEquals("ok", r.content());
            assertEquals("why", r.reasoning());
            assertEquals(6, r.attempts());
            assertEquals(6, server.requests.get());
        }
    }

    @Test
    void honoursRetryAfter() throws Exception {
        try (var server = new FaultyServer(n -> n == 0 ? Fault.TOO_MANY : Fault.OK, body -> FaultyServer.completion("ok", null));
             var client = new ChatClient(FAST, 4)) {
            server.retryAfter = "1";
            long start = System.nanoTime();
            ChatResponse r = client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(2, r.attempts());
            assertTrue(waited >= 1000, "waited " + waited + " ms, Retry-After asked 1000");
        }
        assertEquals(Duration.ofMillis(2500), ChatClient.parseRetryAfter("2.5"));
        assertEquals(null, ChatClient.parseRetryAfter("soon"));
    }

    @Test
    void timeoutIsRetried() throws Exception {
        try (var server = new FaultyServer(n -> n == 0 ? Fault.SLOW : Fault.OK, body -> FaultyServer.completion("ok", null));
             var client = new ChatClient(FAST, 4)) {
            server.slowMillis = 1500;
            ChatResponse r = client.complete(endpoint(server, Duration.ofMillis(300)), HELLO);
            assertEquals(2, r.attempts());
        }
    }

    @Test
    void givesUpAfterMaxAttemptsNamingTheLastFailure() throws Exception {
        try (var server = new FaultyServer(n -> Fault.SERVER_ERROR, body -> "");
             var client = new ChatClient(FAST, 4)) {
            MasException e = assertThrows(MasException.class, () -> client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO));
            assertTrue(e.getMessage().contains("failed after 8 attempts"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
            assertEquals(8, server.requests.get());
        }
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        try (var server = new FaultyServer(n -> Fault.BAD_REQUEST, body -> "");
             var client = new ChatClient(FAST, 4)) {
            MasException e = assertThrows(MasException.class, () -> client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO));
            assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
            assertEquals(1, server.requests.get());
        }
    }

    @Test
    void boundsRequestsInFlight() throws Exception {
        try (var server = new FaultyServer(n -> Fault.SLOW, body -> FaultyServer.completion("ok", null));
             var client = new ChatClient(FAST, 2);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            server.slowMillis = 100;
            List<Future<ChatResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) calls.add(pool.submit(() -> client.complete(endpoint(server, Duration.ofSeconds(5)), HELLO)));
            for (Future<ChatResponse> f : calls) assertEquals("ok", f.get().content());
            assertEquals(8, server.requests.get());
            assertTrue(server.maxActive.get() <= 2, "at most 2 in flight, saw " + server.maxActive.get());
            assertEquals(2, server.maxActive.get());
        }
    }

    @Test
    void sendsTheApiKeyFromTheNamedVariable() throws Exception {
        try (var server = new FaultyServer(n -> Fault.OK, body -> FaultyServer.completion("ok", null));
             var client = new ChatClient(FAST, 2, Duration.ofSeconds(5), Map.of("MY_KEY", "sk-test")::get)) {
            Endpoint keyed = new Endpoint(server.base(), "m", "MY_KEY", 0.5, 16, Duration.ofSeconds(5));
            client.complete(keyed, HELLO);
            assertEquals("Bearer sk-test", server.lastHeaders.get("authorization"));
            Endpoint missing = new Endpoint(server.base(), "m", "NOT_SET", 0.5, 16, Duration.ofSeconds(5));
            MasException e = assertThrows(MasException.class, () -> client.complete(missing, HELLO));
            assertTrue(e.getMessage().contains("NOT_SET"), e.getMessage());
        }
    }
}
