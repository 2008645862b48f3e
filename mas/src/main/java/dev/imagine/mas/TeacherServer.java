package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imagine.tokenizer.ChatTemplate;
import dev.imagine.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in teacher as an OpenAI-compatible server on the loopback interface: {@code GET /v1/models}
 * and {@code POST /v1/chat/completions} (non-streaming), so curl or any OpenAI SDK can talk to it. The
 * role of a request is recognised from its model name or system prompt ({@link BuiltInTeacher#roleOf}).
 * Token counts in {@code usage} are Qwen3 tokens (the student's tokenizer): the conversation rendered with
 * Qwen3's chat template for the prompt, the think block and answer for the completion.
 *
 * <p>Usage: {@code try (var s = TeacherServer.start(teacher, 0)) { URI base = s.baseUrl(); ... }}
 */
public final class TeacherServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Tokenizer TOKENIZER = Tokenizer.qwen3();

    private final HttpServer server;
    private final ExecutorService executor;
    private final BuiltInTeacher teacher;
    private final AtomicLong requests = new AtomicLong();

    private TeacherServer(HttpServer server, ExecutorService executor, BuiltInTeacher teacher) {
        this.server = server;
        this.executor = executor;
        this.teacher = teacher;
    }

    /** Starts serving on 127.0.0.1:{@code port} (0 = any free port). */
    public static TeacherServer start(BuiltInTeacher teacher, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        } catch (BindException e) {
            throw new MasException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage() + " (port in use?)");
        } catch (IOException e) {
            throw new MasException("cannot start the teacher server on port " + port + ": " + e, e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        TeacherServer s = new TeacherServer(http, executor, teacher);
        http.createContext("/", s::handle);
        http.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The API base as OpenAI SDKs take it: {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    public long requestsServed() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
            String method = ex.getRequestMethod();
            if (path.equals("/v1/models")) {
                if (!method.equals("GET")) error(ex, 405, "use GET for /v1/models");
                else send(ex, 200, models());
            } else if (path.equals("/v1/chat/completions")) {
                if (!method.equals("POST")) error(ex, 405, "use POST for /v1/chat/completions");
                else chat(ex);
            } else {
                error(ex, 404, "no route " + method + " " + path + " (this server has GET /v1/models and POST /v1/chat/completions)");
            }
        }
    }

    private void chat(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        JsonNode request;
        try {
            request = JSON.readTree(ex.getRequestBody());
        } catch (JsonProcessingException e) {
            error(ex, 400, "request body is not JSON: " + e.getOriginalMessage());
            return;
        }
        if (request == null || !request.path("messages").isArray() || request.path("messages").isEmpty()) {
            error(ex, 400, "request needs a non-empty \"messages\" array");
            return;
        }
        if (request.path("stream").asBoolean(false)) {
            error(ex, 400, "streaming is not supported by the built-in teacher; send \"stream\": false");
            return;
        }
        String model = request.path("model").asText("");
        String system = "";
        String user = null;
        List<dev.imagine.tokenizer.ChatMessage> conversation = new ArrayList<>();
        for (JsonNode m : request.get("messages")) {
            String content = m.path("content").asText("");
            String role = m.path("role").asText();
            if (role.equals("system") && system.isEmpty()) system = content;
            if (role.equals("user")) user = content;
            if (!List.of("system", "user", "assistant").contains(role)) {
                error(ex, 400, "message role must be system, user or assistant, not \"" + role + "\"");
                return;
            }
            conversation.add(new dev.imagine.tokenizer.ChatMessage(role, content, null, List.of()));
        }
        Role role = BuiltInTeacher.roleOf(model, system);
        if (role == null) {
            error(ex, 400, "cannot tell the role of this request: use model " + MasConfig.REASONER_MODEL + ", "
                    + MasConfig.JUDGE_MODEL + " or " + MasConfig.REFLECTOR_MODEL + " (or the built-in system prompts)");
            return;
        }
        if (user == null) {
            error(ex, 400, "request has no user message");
            return;
        }
        BuiltInTeacher.Answer answer;
        try {
            answer = teacher.answer(role, user);
        } catch (MasException e) {
            error(ex, 400, e.getMessage());
            return;
        } catch (RuntimeException e) {
            error(ex, 500, "teacher failed: " + e);
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-imagine-" + requests.get());
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model.isEmpty() ? "imagine-teacher-" + role.key() : model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer.content());
        if (!answer.reasoning().isEmpty()) message.put("reasoning_content", answer.reasoning());
        choice.put("finish_reason", "stop");
        ObjectNode usage = body.putObject("usage");
        long prompt = TOKENIZER.encode(ChatTemplate.qwen3().render(conversation, true)).length;
        long completion = TOKENIZER.encode("<think>\n" + answer.reasoning() + "\n</think>\n\n" + answer.content() + "<|im_end|>").length;
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        send(ex, 200, body);
    }

    private static ObjectNode models() {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String id : new String[]{MasConfig.REASONER_MODEL, MasConfig.JUDGE_MODEL, MasConfig.REFLECTOR_MODEL})
            data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "imagine");
        return list;
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", status >= 500 ? "server_error" : "invalid_request_error")
                .put("code", status);
        send(ex, status, body);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
