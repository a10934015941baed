package dev.mrt2.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code mrt2 help [COMMAND [SUBCOMMAND...]]}: the usage of the named command, however deep ({@code mrt2 help fixtures
 * generate}); picocli's own help command looks one level down only.
 */
@Command(name = "help", helpCommand = true,
        header = "Print the help of a command: mrt2 help COMMAND [SUBCOMMAND].",
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n")
final class HelpCommand implements IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommand if any.")
    String[] commands = {};

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(self, "unknown command '" + name + "' under '"
                        + target.getCommandSpec().qualifiedName() + "' (commands: "
                        + String.join(", ", target.getSubcommands().keySet()) + ")");
            }
            target = sub;
        }
        target.usage(out, colors);
        out.flush();
    }
}
