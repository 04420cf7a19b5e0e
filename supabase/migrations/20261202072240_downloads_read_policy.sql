-- Who may read the files of the `downloads` bucket: a signed-in user holding the feature the
-- object's folder is named after (`library.pro/handbook.pdf` needs `library.pro`), right now
-- (has_feature: an active entitlement, before access_ends_at, with that feature). Storage runs
-- every download, signature and listing as the caller, so this one policy guards them all; no
-- insert, update or delete policy: only the secret key (files:upload) writes.
create policy "Holders of a feature read the downloads in its folder"
  on storage.objects for select
  to authenticated
  using (bucket_id = 'downloads' and public.has_feature((storage.foldername(name))[1]));
