package dev.imagine.mas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A loopback HTTP/1.1 server on raw sockets that misbehaves on purpose: per request number (0-based) a
 * script picks a {@link Fault}. Raw sockets because resets and truncated bodies cannot be produced with
 * com.sun.net.httpserver. Every connection is closed after one response.
 */
final class FaultyServer implements AutoCloseable {
    enum Fault { OK, SLOW, TOO_MANY, SERVER_ERROR, TRUNCATED, MALFORMED, RESET, BAD_REQUEST }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final IntFunction<Fault> script;
    private final UnaryOperator<String> answer;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    volatile long slowMillis = 300;
    volatile String retryAfter = "0";

    /** {@code answer} maps a request body to the 200 body sent for {@link Fault#OK}. */
    FaultyServer(IntFunction<Fault> script, UnaryOperator<String> answer) throws IOException {
        this.script = script;
        this.answer = answer;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.acceptor = Thread.ofPlatform().daemon().name("faulty-server").start(this::acceptLoop);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String body = readRequest(in);
            // A request counts as in flight from its last byte read to the first byte of its answer. Counting
            // until the socket closes would overlap the client's next request: the client has the whole answer
            // (Content-Length) and sends again before this thread gets to close.
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            Fault fault = script.apply(requests.getAndIncrement());
            try {
                if (fault == Fault.SLOW) Thread.sleep(slowMillis);
            } finally {
                active.decrementAndGet();
            }
            OutputStream out = s.getOutputStream();
            switch (fault) {
                case OK, SLOW -> respond(out, 200, answer.apply(body), "");
                case TOO_MANY -> respond(out, 429, "{\"error\":{\"message\":\"rate limited\"}}", "Retry-After: " + retryAfter + "\r\n");
                case SERVER_ERROR -> respond(out, 500, "{\"error\":{\"message\":\"boom\"}}", "");
                case BAD_REQUEST -> respond(out, 400, "{\"error\":{\"message\":\"bad model\"}}", "");
                case MALFORMED -> respond(out, 200, "{\"choices\": [ {\"message\": ", "");
                case TRUNCATED -> {
                    byte[] full = answer.apply(body).getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + full.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(full, 0, full.length / 2);
                    out.flush();
                }
                case RESET -> s.setSoLinger(true, 0); // close() now sends RST instead of FIN
            }
        } catch (IOException | InterruptedException e) {
            // the client went away; nothing to do
        }
    }

    private String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {               // read up to the blank line "\r\n\r\n"
            int b = in.read();
            if (b < 0) throw new IOException("client closed");
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            lastHeaders.put(name, value);
            if (name.equals("content-length")) length = Integer.parseInt(value);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void respond(OutputStream out, int status, String body, String extraHeaders) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** A minimal OpenAI chat completion carrying {@code content} and optional reasoning_content. */
    static String completion(String content, String reasoning) {
        String r = reasoning == null ? "" : ",\"reasoning_content\":" + quote(reasoning);
        return "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"fake\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + quote(content) + r + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
