package dev.imagine.tools;

import dev.imagine.cuda.CudaException;
import dev.imagine.engine.EngineException;
import dev.imagine.mas.MasException;
import dev.imagine.sandbox.SandboxException;
import dev.imagine.tokenizer.TokenizerException;

import picocli.CommandLine;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the modules' user-facing exceptions into one line on stderr and exit code 1; anything else is a
 * bug and keeps its stack trace. Each module has one exception type for user-facing failures.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
        if (!isUserError(e)) throw e;
        String message = e.getMessage();
        if (e instanceof NoSuchFileException missing) message = "no such file: " + missing.getFile();
        cli.getErr().println("imagine " + cli.getCommandName() + ": " + message);
        cli.getErr().flush();
        return 1;
    }

    static boolean isUserError(Throwable e) {
        return e instanceof CudaException
                || e instanceof MasException
                || e instanceof SandboxException
                || e instanceof TokenizerException
                || e instanceof EngineException
                || e instanceof UserError
                || e instanceof NoSuchFileException
                || e instanceof FileNotFoundException
                || (e instanceof UncheckedIOException u && isUserError(u.getCause()));
    }
}
