"""The default four-pillar framework, in force from 2012 until the secretariat changes weights.
Frozen here: the codes of computed indicators name functions in evaluations.indicators."""

from django.db import migrations

C, M = "dihitung", "manual"
PILLARS = [
    (
        "kolaborasi",
        "Kolaborasi lintas sektor",
        "Kerja sama lintas instansi dan solusi yang menguntungkan semua pihak.",
        [
            (
                "kolaborasi.kegiatan_lintas_instansi",
                C,
                35,
                "Kegiatan RAT yang melibatkan dua instansi atau lebih",
            ),
            (
                "kolaborasi.instansi_merealisasikan",
                C,
                25,
                "Instansi penanggung jawab yang sudah merealisasikan kegiatan",
            ),
            (
                "kolaborasi.penanganan_lintas_instansi",
                C,
                25,
                "Langkah penanganan yang melibatkan dua instansi atau lebih",
            ),
            (
                "kolaborasi.solusi_bersama",
                M,
                15,
                "Kesepakatan atau solusi bersama (win-win) yang dicapai",
            ),
        ],
    ),
    (
        "komunikasi",
        "Komunikasi efektif",
        "Dialog terbuka sebagai inti setiap penyelesaian.",
        [
            (
                "komunikasi.dialog_mediasi_rakor",
                C,
                50,
                "Dialog, mediasi, dan rapat koordinasi yang diselenggarakan",
            ),
            (
                "komunikasi.hari_ke_penanganan",
                C,
                30,
                "Median hari dari laporan ke langkah penanganan pertama",
            ),
            (
                "komunikasi.keterbukaan_informasi",
                M,
                20,
                "Keterbukaan informasi dan komunikasi publik",
            ),
        ],
    ),
    (
        "inklusivitas",
        "Inklusivitas",
        "Semua unsur masyarakat didengar: tokoh agama, pemuda, perempuan, seluruh kecamatan.",
        [
            (
                "inklusivitas.laporan_melibatkan_tokoh",
                C,
                40,
                "Laporan yang penanganannya melibatkan tokoh",
            ),
            ("inklusivitas.jenis_tokoh", C, 20, "Jenis tokoh yang dilibatkan"),
            ("inklusivitas.kecamatan_terjangkau", C, 25, "Kecamatan yang terjangkau"),
            (
                "inklusivitas.kelompok_rentan",
                M,
                15,
                "Suara kelompok rentan (perempuan, anak, penyandang disabilitas) didengar",
            ),
        ],
    ),
    (
        "evaluasi",
        "Evaluasi berkelanjutan",
        "Evaluasi terus-menerus; pelajaran menjadi bahan pencegahan.",
        [
            ("evaluasi.laporan_tepat_waktu", C, 25, "Laporan realisasi tepat waktu"),
            ("evaluasi.realisasi_berbukti", C, 20, "Realisasi dengan data dukung"),
            ("evaluasi.laporan_selesai", C, 15, "Laporan konflik yang sudah selesai"),
            ("evaluasi.rata_rata_capaian", C, 25, "Rata-rata capaian kegiatan RAT"),
            (
                "evaluasi.pelajaran_dicatat",
                M,
                15,
                "Pelajaran dicatat dan ditindaklanjuti dalam pencegahan",
            ),
        ],
    ),
]


def create(apps, schema_editor):
    Framework = apps.get_model("evaluations", "Framework")
    Pillar = apps.get_model("evaluations", "Pillar")
    Indicator = apps.get_model("evaluations", "Indicator")
    framework = Framework.objects.create(valid_from=2012)
    for order, (code, name, description, indicators) in enumerate(PILLARS):
        pillar = Pillar.objects.create(
            framework=framework,
            code=code,
            name=name,
            description=description,
            weight=25,
            order=order,
        )
        for position, (ind_code, kind, weight, ind_name) in enumerate(indicators):
            Indicator.objects.create(
                pillar=pillar,
                code=ind_code,
                kind=kind,
                weight=weight,
                name=ind_name,
                order=position,
            )


def remove(apps, schema_editor):
    apps.get_model("evaluations", "Framework").objects.filter(valid_from=2012).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_framework")]

    operations = [migrations.RunPython(create, remove)]
