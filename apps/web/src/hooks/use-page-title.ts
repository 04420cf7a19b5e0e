import { useEffect } from "react";

/** Sets the document title ("Library · Gatehouse"), so screen readers announce the page. */
export function usePageTitle(title: string | null) {
  useEffect(() => {
    document.title = title ? `${title} · Gatehouse` : "Gatehouse";
  }, [title]);
}
