package dev.imagine.tools;

/** A problem with what the user asked for on the command line (a bad combination of options, say). */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }
}
