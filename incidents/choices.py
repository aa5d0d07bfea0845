"""Classifications of a conflict report (UU 7/2012, Permendagri 42/2015)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# PostgreSQL text-search configuration of the report search (title and chronology).
SEARCH_CONFIG = "indonesian"


class Kind(models.TextChoices):
    POTENSI = "potensi", _("Potensi konflik")
    KEJADIAN = "kejadian", _("Kejadian konflik")


class DatePrecision(models.TextChoices):
    DAY = "hari", _("Tepat hari itu")
    WEEK = "minggu", _("Dalam minggu itu")
    MONTH = "bulan", _("Dalam bulan itu")


class LocationPrecision(models.TextChoices):
    EXACT = "tepat", _("Titik tepat")
    DESA = "desa", _("Tingkat desa")
    KECAMATAN = "kecamatan", _("Tingkat kecamatan")


class InformationSource(models.TextChoices):
    MASYARAKAT = "masyarakat", _("Warga/masyarakat")
    BABINSA = "babinsa", _("Babinsa")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas")
    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    CAMAT = "camat", _("Camat")
    FKDM = "fkdm", _("FKDM")
    MEDIA = "media", _("Media massa")
    MEDIA_SOSIAL = "media_sosial", _("Media sosial")
    KOMINDA = "kominda", _("Kominda/intelijen")


class ConflictSource(models.TextChoices):
    """The five sources of conflict in UU 7/2012, art. 5."""

    POLEKSOSBUD = "poleksosbud", _("Permasalahan politik, ekonomi, dan sosial budaya")
    SARA = "sara", _("Perseteruan antarumat beragama/interumat beragama, antarsuku, dan antaretnis")
    BATAS = "batas_wilayah", _("Sengketa batas wilayah desa, kabupaten/kota, dan/atau provinsi")
    SDA = "sda", _("Sengketa sumber daya alam antarmasyarakat/dengan pelaku usaha")
    DISTRIBUSI_SDA = "distribusi_sda", _("Distribusi sumber daya alam yang tidak seimbang")


class Aspect(models.TextChoices):
    IDEOLOGI = "ideologi", _("Ideologi")
    POLITIK = "politik", _("Politik")
    EKONOMI = "ekonomi", _("Ekonomi")
    SOSBUD = "sosial_budaya", _("Sosial budaya")
    KEAMANAN = "keamanan", _("Keamanan")


class Form(models.TextChoices):
    UNJUK_RASA_DAMAI = "unjuk_rasa_damai", _("Unjuk rasa damai")
    UNJUK_RASA_ANARKIS = "unjuk_rasa_anarkis", _("Unjuk rasa anarkis")
    BENTROKAN = "bentrokan", _("Bentrokan/tawuran")
    PENYERANGAN = "penyerangan", _("Penyerangan")
    PERUSAKAN = "perusakan", _("Perusakan")
    PEMBAKARAN = "pembakaran", _("Pembakaran")
    INTIMIDASI = "intimidasi", _("Intimidasi/teror")
    UJARAN_KEBENCIAN = "ujaran_kebencian", _("Ujaran kebencian/hoaks")
    PENOLAKAN = "penolakan", _("Penolakan (rumah ibadah, usaha, dll.)")
    SENGKETA_LAHAN = "sengketa_lahan", _("Sengketa lahan")
    MAIN_HAKIM = "main_hakim", _("Main hakim sendiri")
    LAINNYA = "lainnya", _("Lainnya")


class PartyType(models.TextChoices):
    WARGA = "warga", _("Kelompok warga")
    ORMAS = "ormas", _("Ormas/kelompok keagamaan")
    PEMUDA = "pemuda", _("Pemuda/pelajar/suporter")
    BURUH = "buruh", _("Buruh/serikat pekerja")
    PERUSAHAAN = "perusahaan", _("Perusahaan/pelaku usaha")
    PEMERINTAH = "pemerintah", _("Pemerintah/aparat")
    PARPOL = "parpol", _("Partai politik/tim sukses")
    LAINNYA = "lainnya", _("Lainnya")


class Confidentiality(models.TextChoices):
    INTERNAL = "internal", _("Internal (semua anggota tim)")
    TERBATAS = "terbatas", _("Terbatas (sekretariat, pimpinan, dan yang diberi izin)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DITOLAK = "ditolak", _("Ditolak")
    DITANGANI = "ditangani", _("Ditangani")
    SELESAI = "selesai", _("Selesai")
    DITUTUP = "ditutup", _("Ditutup")


# The workflow order, for sorting by status (Incident.status_rank): a rejected report sits next
# to the submission it answers (it goes back to its author), before the verified reports that
# move on to handling.
STATUS_ORDER = (
    Status.DRAFT,
    Status.DIAJUKAN,
    Status.DITOLAK,
    Status.DIVERIFIKASI,
    Status.DITANGANI,
    Status.SELESAI,
    Status.DITUTUP,
)


class Resolution(models.TextChoices):
    DAMAI = "damai", _("Selesai secara damai")
    HUKUM = "proses_hukum", _("Melalui proses hukum")
    DIPANTAU = "dipantau", _("Dalam pemantauan")


class RiskLevel(models.TextChoices):
    RENDAH = "rendah", _("Rendah")
    SEDANG = "sedang", _("Sedang")
    TINGGI = "tinggi", _("Tinggi")
    SANGAT_TINGGI = "sangat_tinggi", _("Sangat tinggi")


class ActionType(models.TextChoices):
    MEDIASI = "mediasi", _("Mediasi")
    DIALOG = "dialog", _("Dialog")
    RAPAT = "rapat_koordinasi", _("Rapat koordinasi")
    PATROLI = "patroli", _("Patroli")
    PENEGAKAN_HUKUM = "penegakan_hukum", _("Penegakan hukum")
    BANTUAN = "bantuan", _("Bantuan kemanusiaan")
    REKONSILIASI = "rekonsiliasi", _("Rekonsiliasi")
    DETEKSI_DINI = "deteksi_dini", _("Deteksi dini/pemantauan")
    LAINNYA = "lainnya", _("Lainnya")


LIKELIHOOD_CHOICES = [
    (1, _("1 — Jarang")),
    (2, _("2 — Mungkin")),
    (3, _("3 — Sangat mungkin")),
    (4, _("4 — Hampir pasti")),
]
IMPACT_CHOICES = [
    (1, _("1 — Kecil")),
    (2, _("2 — Sedang")),
    (3, _("3 — Besar")),
    (4, _("4 — Sangat besar")),
]
