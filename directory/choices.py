"""Choice lists of the directory: region levels, agency and contact kinds, team positions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")


class AgencyKind(models.TextChoices):
    PEMDA = "pemda", _("Perangkat daerah (OPD)")
    POLRI = "polri", _("Polri")
    TNI = "tni", _("TNI")
    KEJAKSAAN = "kejaksaan", _("Kejaksaan")
    PENGADILAN = "pengadilan", _("Pengadilan")
    VERTIKAL = "vertikal", _("Instansi vertikal")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")
    FORUM = "forum", _("Forum/Ormas")


class ContactKind(models.TextChoices):
    AGAMA = "agama", _("Tokoh agama")
    MASYARAKAT = "masyarakat", _("Tokoh masyarakat")
    ADAT = "adat", _("Tokoh adat")
    PEMUDA = "pemuda", _("Tokoh pemuda")
    PEREMPUAN = "perempuan", _("Tokoh perempuan")
    AKADEMISI = "akademisi", _("Akademisi")
    FORUM = "forum", _("Pengurus forum (FKUB/FPK/FKDM)")


class LegalBasis(models.TextChoices):
    """UU 27/2022: why the portal may hold this person's data."""

    PUBLIC_TASK = "tugas_publik", _("Pelaksanaan tugas pelayanan publik")
    CONSENT = "persetujuan", _("Persetujuan yang bersangkutan")


class TeamPosition(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    WAKIL = "wakil", _("Wakil ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    ANGGOTA = "anggota", _("Anggota")


class SubTeam(models.TextChoices):
    PENCEGAHAN = "pencegahan", _("Pencegahan")
    PENGHENTIAN = "penghentian", _("Penghentian")
    PEMULIHAN = "pemulihan", _("Pemulihan")
