#include "tools/salesperfctl/completion.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace salesperf::ctl {
namespace {

struct Node {
  std::string path;  // "targets draft"; "" for the root
  std::vector<std::string> words;
};

std::vector<const CLI::App*> Children(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

// The values of `app`'s positionals that have choices, then its flags.
std::vector<std::string> OptionWords(
    const CLI::App& app, const std::map<std::string, std::vector<std::string>>& choices) {
  std::vector<std::string> positionals, flags;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    for (const std::string& l : opt->get_lnames()) flags.push_back("--" + l);
    for (const std::string& s : opt->get_snames()) flags.push_back("-" + s);
    if (opt->get_lnames().empty() && opt->get_snames().empty()) {
      auto it = choices.find(opt->get_name(/*positional=*/true));
      if (it != choices.end()) {
        positionals.insert(positionals.end(), it->second.begin(), it->second.end());
      }
    }
  }
  positionals.insert(positionals.end(), flags.begin(), flags.end());
  return positionals;
}

// Appends the words of `more` not yet in `words`.
void AppendNew(std::vector<std::string>& words, const std::vector<std::string>& more) {
  for (const std::string& w : more) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
  }
}

}  // namespace

std::string BashCompletion(const CLI::App& root,
                           const std::map<std::string, std::vector<std::string>>& choices) {
  const std::vector<std::string> global = OptionWords(root, choices);
  std::vector<Node> nodes;
  std::function<void(const CLI::App&, const std::string&)> walk = [&](const CLI::App& app,
                                                                      const std::string& path) {
    Node node{path, {}};
    for (const CLI::App* sub : Children(app)) node.words.push_back(sub->get_name());
    if (&app != &root) AppendNew(node.words, OptionWords(app, choices));
    AppendNew(node.words, global);
    nodes.push_back(std::move(node));
    for (const CLI::App* sub : Children(app)) {
      walk(*sub, path.empty() ? sub->get_name() : absl::StrCat(path, " ", sub->get_name()));
    }
  };
  walk(root, "");

  std::string script = absl::StrCat(
      "# bash completion for salesperfctl, generated from its command tree.\n"
      "# Load it with: source <(salesperfctl completion bash)\n"
      "_salesperfctl() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local path=\"\" next w i words\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${COMP_WORDS[i]}\"\n"
      "    next=\"${path:+$path }$w\"\n"
      "    case \"$next\" in\n");
  std::vector<std::string> paths;
  for (const Node& n : nodes) {
    if (!n.path.empty()) paths.push_back(absl::StrCat("\"", n.path, "\""));
  }
  absl::StrAppend(&script, "      ", absl::StrJoin(paths, "|"), ") path=\"$next\" ;;\n",
                  "    esac\n"
                  "  done\n"
                  "  case \"$prev\" in\n");
  for (const auto& [name, values] : choices) {
    if (!name.starts_with('-')) continue;  // positionals are offered with the command's words
    absl::StrAppend(&script, "    ", name, ") COMPREPLY=($(compgen -W \"",
                    absl::StrJoin(values, " "), "\" -- \"$cur\")); return ;;\n");
  }
  absl::StrAppend(&script,
                  "  esac\n"
                  "  case \"$path\" in\n");
  for (const Node& n : nodes) {
    absl::StrAppend(&script, "    \"", n.path, "\") words=\"", absl::StrJoin(n.words, " "),
                    "\" ;;\n");
  }
  absl::StrAppend(&script,
                  "  esac\n"
                  "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                  "}\n"
                  "complete -F _salesperfctl salesperfctl\n");
  return script;
}

}  // namespace salesperf::ctl
