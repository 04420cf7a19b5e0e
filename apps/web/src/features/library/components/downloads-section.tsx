import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { LoadError } from "@/components/load-error.tsx";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Skeleton } from "@/components/ui/skeleton.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { AccessEndedError, type DownloadProgress, downloadFile, saveBlob } from "../api/download-file.ts";
import { type LibraryFile, libraryFilesQueryOptions, useLibraryFiles } from "../api/get-library-files.ts";
import { formatSize, typeLabel } from "../format-file.ts";
import styles from "./downloads.module.css";
import { LockIcon } from "./lock-icon.tsx";

type RowState =
  | { kind: "idle" }
  | { kind: "downloading"; progress: DownloadProgress }
  | { kind: "ended" }
  | { kind: "failed" };

interface FileRowProps {
  file: LibraryFile;
  onAccessEnded: () => void;
}

function FileRow({ file, onAccessEnded }: FileRowProps) {
  const { t, intlLocale } = useI18n();
  const [state, setState] = useState<RowState>({ kind: "idle" });
  const meta = [typeLabel(file.mimetype), file.size === null ? null : formatSize(file.size, intlLocale)]
    .filter(Boolean)
    .join(" · ");

  const start = async () => {
    setState({ kind: "downloading", progress: { received: 0, total: file.size } });
    try {
      const blob = await downloadFile(await getSupabase(), file.path, {
        onProgress: (progress) => setState({ kind: "downloading", progress }),
      });
      saveBlob(blob, file.name);
      setState({ kind: "idle" });
    } catch (e) {
      if (e instanceof AccessEndedError) {
        setState({ kind: "ended" });
        onAccessEnded();
      } else {
        setState({ kind: "failed" });
      }
    }
  };

  const progress = state.kind === "downloading" ? state.progress : null;
  const percent = progress?.total ? Math.min(100, Math.floor((progress.received / progress.total) * 100)) : null;
  return (
    <li className={styles.file} data-testid="library-file" data-path={file.path} data-unlocked={file.unlocked}>
      <div className={styles.fileText}>
        <span className={styles.fileName}>{file.name}</span>
        <span className={styles.fileMeta}>{meta}</span>
      </div>
      {file.unlocked ? (
        <Button
          size="sm"
          variant="secondary"
          onClick={() => void start()}
          loading={state.kind === "downloading"}
          aria-label={t("downloads.downloadName", { name: file.name })}
        >
          {t("downloads.download")}
        </Button>
      ) : (
        <span className={styles.lockTag} data-testid="file-locked">
          <LockIcon />
          {file.plan ? t("downloads.includedIn", { plan: file.plan }) : t("downloads.notInPlan")}
        </span>
      )}
      {progress ? (
        <div className={styles.progress} role="status">
          <progress
            max={100}
            value={percent ?? undefined}
            aria-label={t("downloads.downloadName", { name: file.name })}
          />
          <span>
            {percent !== null
              ? t("downloads.progress", { percent })
              : t("downloads.progressUnknown", { received: formatSize(progress.received, intlLocale) })}
          </span>
        </div>
      ) : null}
      {state.kind === "ended" ? (
        <div className={styles.message}>
          <Alert tone="danger" title={t("downloads.accessEnded", { name: file.name })} testId="download-access-ended" />
        </div>
      ) : null}
      {state.kind === "failed" ? (
        <div className={styles.message}>
          <Alert tone="danger" title={t("downloads.failed", { name: file.name })} testId="download-failed" />
        </div>
      ) : null}
    </li>
  );
}

interface DownloadsSectionProps {
  userId: string | null;
}

/** The files of the `downloads` bucket: those the user's plan unlocks, then the others and their plan. */
export function DownloadsSection({ userId }: DownloadsSectionProps) {
  const { t } = useI18n();
  const files = useLibraryFiles(userId);
  const queryClient = useQueryClient();
  // The rows stay as they are (the message shows where the user clicked); the next visit re-reads.
  const onAccessEnded = () => {
    void queryClient.invalidateQueries({ queryKey: libraryFilesQueryOptions(userId).queryKey, refetchType: "none" });
  };

  let body: ReactNode;
  if (files.isPending) {
    body = (
      <div className={styles.files} aria-busy="true">
        <Skeleton width="100%" height="3rem" />
        <Skeleton width="100%" height="3rem" />
      </div>
    );
  } else if (files.isError) {
    body = <LoadError title={t("downloads.loadError")} query={files} testId="downloads-error" />;
  } else if (files.data.length === 0) {
    body = <p className={styles.muted}>{t("downloads.empty")}</p>;
  } else {
    const locked = files.data.some((f) => !f.unlocked);
    body = (
      <>
        <ul className={styles.files}>
          {files.data.map((file) => (
            <FileRow key={file.path} file={file} onAccessEnded={onAccessEnded} />
          ))}
        </ul>
        {locked ? (
          <p className={styles.muted}>
            {userId === null ? t("downloads.signInHint") : t("downloads.upgradeHint")}{" "}
            <Link to="/#pricing">{t("downloads.seePlans")}</Link>
          </p>
        ) : null}
      </>
    );
  }
  return (
    <section className={styles.section} aria-labelledby="downloads-title" data-testid="downloads">
      <h2 id="downloads-title" className={styles.title}>
        {t("downloads.title")}
      </h2>
      {body}
    </section>
  );
}
