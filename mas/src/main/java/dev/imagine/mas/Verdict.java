package dev.imagine.mas;

/**
 * A Judge's answer. Judges are asked for exactly "Errors exist." or "No errors."; an answer that is
 * neither counts as flagging errors, so an unclear judge sends the query to the Reflector rather than
 * letting a possibly wrong plan through.
 */
public enum Verdict {
    ERRORS_EXIST("Errors exist."), NO_ERRORS("No errors."), UNCLEAR(null);

    public final String text;

    Verdict(String text) {
        this.text = text;
    }

    public boolean flagsErrors() {
        return this != NO_ERRORS;
    }

    public static Verdict parse(String answer) {
        String a = answer == null ? "" : answer.strip().toLowerCase(java.util.Locale.ROOT);
        boolean errors = a.contains("errors exist");
        boolean none = a.contains("no errors");
        if (errors == none) return UNCLEAR;
        return errors ? ERRORS_EXIST : NO_ERRORS;
    }
}
