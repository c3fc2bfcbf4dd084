// VS Code client for `preflight lsp`. Plain CommonJS: no build step.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/**
 * @param {vscode.ExtensionContext} context
 */
async function activate(context) {
  const config = vscode.workspace.getConfiguration("preflight");
  const command = config.get("path") || "preflight";

  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };

  const watcher = vscode.workspace.createFileSystemWatcher("**/*.policy");
  context.subscriptions.push(watcher);

  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "preflight" },
      { scheme: "untitled", language: "preflight" },
    ],
    synchronize: {
      fileEvents: watcher,
    },
  };

  // The id "preflight" makes the client read `preflight.trace.server`.
  client = new LanguageClient("preflight", "Preflight", serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("preflight.path")) {
        vscode.window
          .showInformationMessage("Reload the window to use the new `preflight.path`.", "Reload")
          .then((choice) => {
            if (choice === "Reload") {
              vscode.commands.executeCommand("workbench.action.reloadWindow");
            }
          });
      }
    }),
  );

  try {
    await client.start();
  } catch (error) {
    // The client rejects with a string such as "Launching server using command
    // preflight failed. Error: spawn preflight ENOENT".
    const text = error instanceof Error ? error.message : String(error);
    const reason = /ENOENT/.test(text) ? "program not found" : text;
    client = undefined;
    // Not awaited: activation should not wait for the user to dismiss the message.
    vscode.window
      .showErrorMessage(
        `Preflight: could not start the language server \`${command} lsp\` (${reason}). ` +
          "Install preflight (`cargo install --path .` in its repository) or set " +
          "`preflight.path` to the binary.",
        "Open Settings",
      )
      .then((choice) => {
        if (choice === "Open Settings") {
          vscode.commands.executeCommand("workbench.action.openSettings", "preflight.path");
        }
      });
  }
}

function deactivate() {
  if (!client) {
    return undefined;
  }
  const stopping = client.stop();
  client = undefined;
  return stopping;
}

module.exports = { activate, deactivate };
