import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { formatPrice } from "@/features/pricing/format-price.ts";
import { ApiError } from "@/lib/api-error.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { adminApi, type DoctorRun } from "../api/admin-api.ts";
import styles from "./admin.module.css";
import { AdminTable } from "./admin-table.tsx";
import { ConfirmButton } from "./confirm-button.tsx";

function Stat({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className={styles.stat} data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

const show = (v: unknown) => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

export function OverviewPanel({ accessToken }: { accessToken: string }) {
  const { t, intlLocale } = useI18n();
  const overview = useQuery({
    queryKey: queryKeys.adminOverview(),
    queryFn: ({ signal }) => adminApi.overview({ accessToken, signal }),
  });
  const files = useQuery({
    queryKey: [...queryKeys.adminOverview(), "files"],
    queryFn: ({ signal }) => adminApi.files({ accessToken, signal }),
  });
  if (overview.isError) throw overview.error;
  const o = overview.data;
  return (
    <>
      <section className={styles.section} aria-labelledby="overview-title">
        <h2 id="overview-title">{t("admin.tab.overview")}</h2>
        {o ? (
          <dl className={styles.grid}>
            {o.mrr.length === 0 ? <Stat label={t("admin.mrr")} value={t("admin.mrrNone")} /> : null}
            {o.mrr.map((m) => (
              <Stat
                key={m.currency}
                testId={`mrr-${m.currency}`}
                label={`${t("admin.mrr")} (${m.currency.toUpperCase()})`}
                value={formatPrice(m.amount, m.currency, intlLocale)}
              />
            ))}
            <Stat label={t("admin.customersCount")} value={o.customers} />
            {Object.entries(o.byStatus).map(([status, n]) => (
              <Stat key={status} label={`${t("admin.byStatus")}: ${status}`} value={n} />
            ))}
            <Stat label={t("admin.new30d")} value={o.new30d} />
            <Stat label={t("admin.churned30d")} value={o.churned30d} />
            <Stat
              label={t("admin.trialConversion")}
              value={
                o.trialConversion === null
                  ? t("admin.trialConversionNone")
                  : new Intl.NumberFormat(intlLocale, { style: "percent" }).format(o.trialConversion)
              }
            />
            <Stat label={t("admin.ledgerWaiting")} value={o.ledger.waiting} />
            <Stat label={t("admin.ledgerFailed")} value={o.ledger.failed} />
            <Stat label={t("admin.deadLetter")} value={o.ledger.deadLetter} />
          </dl>
        ) : (
          <p role="status">{t("app.loading")}</p>
        )}
      </section>
      <DoctorPanel accessToken={accessToken} />
      <section className={styles.section} aria-labelledby="files-title">
        <h2 id="files-title">{t("admin.files.title")}</h2>
        {files.data && files.data.files.length === 0 ? <p>{t("admin.files.none")}</p> : null}
        {files.data && files.data.files.length > 0 ? (
          <AdminTable
            rows={files.data.files}
            rowKey={(f) => f.path}
            columns={[
              { name: "path", header: t("admin.event.type"), mono: true, cell: (f) => f.path },
              { name: "feature", header: t("admin.files.feature"), cell: (f) => f.feature },
              {
                name: "size",
                header: t("admin.files.size"),
                cell: (f) => (f.size === null ? "—" : new Intl.NumberFormat(intlLocale).format(f.size)),
              },
            ]}
          />
        ) : null}
      </section>
    </>
  );
}

function DoctorPanel({ accessToken }: { accessToken: string }) {
  const { t } = useI18n();
  const [runId, setRunId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: (repair: boolean) => adminApi.startDoctor({ accessToken, repair }),
    onSuccess: (r) => setRunId(r.runId),
  });
  const run = useQuery({
    queryKey: queryKeys.adminDoctor(runId),
    queryFn: () => (runId ? adminApi.doctorRun({ accessToken, runId }) : Promise.resolve(null)),
    enabled: runId !== null,
    refetchInterval: (q) => ((q.state.data as DoctorRun | null | undefined)?.status === "running" ? 500 : false),
  });
  const r = run.data;
  const busy = start.isPending || r?.status === "running";
  const conflict = start.error instanceof ApiError && start.error.code === "doctor_running";
  return (
    <section className={styles.section} aria-labelledby="doctor-title">
      <h2 id="doctor-title">{t("admin.doctor.title")}</h2>
      <p>{t("admin.doctor.intro")}</p>
      <div className={styles.row}>
        <Button size="sm" onClick={() => start.mutate(false)} loading={busy} data-testid="doctor-run">
          {t("admin.doctor.run")}
        </Button>
        <ConfirmButton
          label={t("admin.doctor.repair")}
          question={t("admin.doctor.confirmRepair")}
          busy={busy}
          onConfirm={() => start.mutate(true)}
        />
      </div>
      {conflict ? <Alert tone="warning" title={t("admin.doctor.running")} /> : null}
      {start.isError && !conflict ? <Alert tone="danger" title={t("admin.loadError")} /> : null}
      {r ? (
        <>
          <progress
            className={styles.progress}
            aria-label={t("admin.doctor.progress")}
            max={1}
            value={r.progress}
            data-testid="doctor-progress"
          />
          <p role="status" data-testid="doctor-status">
            {t("admin.doctor.status", {
              checked: r.checked,
              total: r.total,
              drifted: r.drifted.length,
              repaired: r.repaired,
            })}
          </p>
          {r.status === "failed" ? (
            <Alert tone="danger" title={t("admin.doctor.failed", { error: r.error ?? "" })} />
          ) : null}
          {r.status === "done" && r.drifted.length === 0 ? <p>{t("admin.doctor.none")}</p> : null}
          {r.drifted.map((d) => (
            <AdminTable
              key={d.customerId}
              testId="doctor-drift"
              caption={<a href={`/admin/customers/${d.userId}`}>{d.customerId}</a>}
              rows={d.fields}
              rowKey={(f) => f.field}
              columns={[
                { name: "field", header: t("admin.doctor.field"), mono: true, cell: (f) => f.field },
                { name: "database", header: t("admin.doctor.database"), mono: true, cell: (f) => show(f.database) },
                { name: "stripe", header: t("admin.doctor.stripe"), mono: true, cell: (f) => show(f.stripe) },
              ]}
            />
          ))}
        </>
      ) : null}
    </section>
  );
}
