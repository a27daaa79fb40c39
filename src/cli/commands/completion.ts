import { Argument, type Command } from 'commander';
import { leafCommand, onRun } from '../runtime/commandKit.js';

/** One level of the command tree: the path (`identity federated-credential`), its subcommands and options. */
interface Level {
  path: string;
  commands: string[];
  options: string[];
}

function levels(cmd: Command, prefix: string[] = []): Level[] {
  const options = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  const out: Level[] = [{ path: prefix.join(' '), commands: cmd.commands.map((c) => c.name()), options: [...options, '--help'] }];
  for (const child of cmd.commands) out.push(...levels(child, [...prefix, child.name()]));
  return out;
}

/**
 * A bash completion function generated from the command tree: the words typed so far are walked down the tree
 * (words that are no subcommand, like option values, are skipped), and the current word completes against the
 * subcommands and options of the level reached.
 */
export function bashCompletion(program: Command): string {
  const cases = levels(program)
    .map((l) => `    '${l.path}') words='${[...l.commands, ...(l.path ? l.options : ['--help', '--version'])].join(' ')}'; children=' ${l.commands.join(' ')} ' ;;`)
    .join('\n');
  return `# amity bash completion: eval "$(amity completion bash)" (or save it under /etc/bash_completion.d/)
_amity_level() {
  case "$1" in
${cases}
    *) words=''; children=' ' ;;
  esac
}
_amity_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path='' words children i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    _amity_level "$path"
    if [[ "$children" == *" $w "* ]]; then path="\${path:+$path }$w"; fi
  done
  _amity_level "$path"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _amity_complete amity
`;
}

/** zsh runs the bash function through bashcompinit. */
export function zshCompletion(program: Command): string {
  return `#compdef amity
# amity zsh completion: eval "$(amity completion zsh)" (or save it as _amity on your fpath)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

/** `amity completion bash|zsh`: prints the completion script for the shell. */
export function completionCommand() {
  const cmd = leafCommand('completion', 'Print a shell completion script: eval "$(amity completion bash)".').addArgument(new Argument('<shell>', 'The shell.').choices(['bash', 'zsh']));
  return onRun(cmd, async (ctx, _o, args) => {
    // Loaded here: the tree includes this command, so main.js cannot be imported at the top.
    const { buildProgram } = await import('../main.js');
    const program = buildProgram();
    ctx.io.stdout.write(args[0] === 'zsh' ? zshCompletion(program) : bashCompletion(program));
    return undefined;
  });
}
