package dev.imagine.mas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompt templates of the three roles and of the student, loaded from resource files
 * ({@code dev/imagine/mas/prompts/*.txt}); a directory given by the user overrides any of them file by
 * file. Templates hold {@code {{name}}} placeholders: query, query_json, reference_information, reasoning,
 * plan, judge1_verdict, judge2_verdict.
 *
 * <p>Usage: {@code RolePrompts p = RolePrompts.load(null); p.messages(Role.REASONER, values)}
 */
public final class RolePrompts {
    /** The template files, without directory. */
    public static final List<String> FILES = List.of("reasoner.system.txt", "reasoner.user.txt", "judge.system.txt",
            "judge.user.txt", "reflector.system.txt", "reflector.user.txt", "student.txt");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z0-9_]+)}}");
    private static final List<String> KNOWN = List.of("query", "query_json", "reference_information", "reasoning",
            "plan", "judge1_verdict", "judge2_verdict");

    private final Map<String, String> templates;

    private RolePrompts(Map<String, String> templates) {
        this.templates = templates;
    }

    /** The built-in templates, each replaced by the file of the same name in {@code overrides} if it exists. */
    public static RolePrompts load(Path overrides) {
        if (overrides != null && !Files.isDirectory(overrides))
            throw new MasException("prompt directory " + overrides + " does not exist (it may hold any of " + FILES + ")");
        Map<String, String> t = new LinkedHashMap<>();
        for (String name : FILES) {
            String text;
            try {
                Path file = overrides == null ? null : overrides.resolve(name);
                if (file != null && Files.isRegularFile(file)) text = Files.readString(file, StandardCharsets.UTF_8);
                else text = resource(name);
            } catch (IOException e) {
                throw new MasException("cannot read prompt " + name + ": " + e, e);
            }
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find())
                if (!KNOWN.contains(m.group(1)))
                    throw new MasException("prompt " + name + ": unknown placeholder {{" + m.group(1) + "}} (known: " + KNOWN + ")");
            t.put(name, text);
        }
        return new RolePrompts(t);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RolePrompts.class.getResourceAsStream("prompts/" + name)) {
            if (in == null) throw new IOException("resource dev/imagine/mas/prompts/" + name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The system and user message for {@code role}, placeholders filled from {@code values}. */
    public List<ChatMessage> messages(Role role, Map<String, String> values) {
        return List.of(ChatMessage.system(fill(role.key() + ".system.txt", values).strip()),
                ChatMessage.user(fill(role.key() + ".user.txt", values).strip()));
    }

    /** The student's prompt (the user turn of the training text). */
    public String student(Map<String, String> values) {
        return fill("student.txt", values).strip();
    }

    public String template(String file) {
        return templates.get(file);
    }

    private String fill(String file, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(templates.get(file));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
