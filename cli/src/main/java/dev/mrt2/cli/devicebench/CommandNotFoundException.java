package dev.mrt2.cli.devicebench;

import java.io.IOException;

/** The program of a command is not on the PATH the child process would see. */
public final class CommandNotFoundException extends IOException {

    private final String program;

    public CommandNotFoundException(String program, String path) {
        super(program + " not found on PATH (" + path + ")");
        this.program = program;
    }

    public String program() {
        return program;
    }
}
