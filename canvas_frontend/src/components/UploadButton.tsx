/**
 * "Upload…": picks a file, sends it to the server (uploadDataFile) with a progress bar and a
 * Cancel button, and hands the stored file to `onUploaded`. The server's refusal (a file no
 * source reads, one over the size limit) shows under the button with its fix. An upload keeps
 * going when the button goes away (the node is deselected): its answer still arrives.
 */

import { useRef, useState } from "react";
import { fileErrorText, uploadDataFile, type FileError, type UploadedFile } from "../api/filesApi";
import "./files.css";

interface Sending {
  name: string;
  sent: number;
}

export function UploadButton({
  accept,
  onUploaded,
}: {
  /** The file picker's filter, e.g. ".csv,.tsv". */
  accept: string;
  onUploaded: (file: UploadedFile) => void;
}) {
  const input = useRef<HTMLInputElement | null>(null);
  const abort = useRef<AbortController | null>(null);
  const [sending, setSending] = useState<Sending | null>(null);
  const [error, setError] = useState<FileError | null>(null);

  async function send(file: File) {
    setError(null);
    const controller = new AbortController();
    abort.current = controller;
    setSending({ name: file.name, sent: 0 });
    const result = await uploadDataFile(file, {
      signal: controller.signal,
      onProgress: (sent) => setSending({ name: file.name, sent }),
    });
    abort.current = null;
    setSending(null);
    if (result.ok) onUploaded(result.value);
    else if (!controller.signal.aborted) setError(result.error);
  }

  return (
    <div className="upload-button">
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ""; // choosing the same file again still uploads it
          if (file) void send(file);
        }}
      />
      {sending ? (
        <div className="upload-progress" role="status">
          <progress max={1} value={sending.sent} aria-label={`Uploading ${sending.name}`} />
          <span className="small">
            {sending.name} · {Math.round(sending.sent * 100)}%
          </span>
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          title="Upload a file from this computer into the data folder"
          onClick={() => input.current?.click()}
        >
          Upload…
        </button>
      )}
      {error && (
        <div className="field-error" role="alert">
          {fileErrorText(error)}
        </div>
      )}
    </div>
  );
}
