package dev.accel.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@code accel}; register new ones in {@link Main#commands()}. */
public interface Command {
  /** The word typed on the command line, e.g. {@code devices}. */
  String name();

  /** One line for {@code accel help}. */
  String summary();

  /**
   * Runs the command.
   *
   * @return the process exit status (0 = success)
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
