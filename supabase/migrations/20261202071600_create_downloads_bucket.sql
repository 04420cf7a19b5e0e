-- Files as the product: the private Storage bucket `downloads`. Each object lives under a folder
-- named after the feature it needs (`library.pro/handbook.pdf`); the read policy that opens it to
-- the holders of that feature comes with has_feature (next migration). Created here, in a
-- migration, so every environment gets the same bucket, limits included (Supabase Storage reads
-- storage.buckets; `supabase db push` applies this like any other migration).
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'downloads',
  'downloads',
  false,
  52428800, -- 50 MB, Supabase's global default ceiling
  array[
    'application/pdf',
    'application/epub+zip',
    'application/zip',
    'text/plain',
    'text/markdown',
    'text/csv',
    'image/png',
    'image/jpeg',
    'audio/mpeg',
    'video/mp4'
  ]
)
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

-- The library's shelf: what is in the bucket (name, feature folder, size, type), readable by
-- anyone, like the plans page: a visitor sees what Pro unlocks. Never the bytes: those need the
-- storage policy (a signed URL is only handed to a caller who may select the object).
create function public.library_files()
returns table (path text, feature text, name text, size bigint, mimetype text, updated_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select o.name,
         (storage.foldername(o.name))[1],
         storage.filename(o.name),
         (o.metadata ->> 'size')::bigint,
         o.metadata ->> 'mimetype',
         o.updated_at
    from storage.objects o
   where o.bucket_id = 'downloads'
     and coalesce(array_length(storage.foldername(o.name), 1), 0) >= 1
   order by o.name
$$;
revoke all on function public.library_files() from public;
grant execute on function public.library_files() to anon, authenticated, service_role;
