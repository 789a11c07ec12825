from django.db import migrations

# Reference categories, named in every enabled language (en, fr, de, es, it, nl, pl, pt).
CATEGORIES = [
    ("software-engineering", ["Software engineering", "Développement logiciel", "Softwareentwicklung", "Ingeniería de software", "Sviluppo software", "Softwareontwikkeling", "Inżynieria oprogramowania", "Engenharia de software"]),
    ("data-ai", ["Data and AI", "Données et IA", "Daten und KI", "Datos e IA", "Dati e IA", "Data en AI", "Dane i AI", "Dados e IA"]),
    ("infrastructure", ["Infrastructure and DevOps", "Infrastructure et DevOps", "Infrastruktur und DevOps", "Infraestructura y DevOps", "Infrastruttura e DevOps", "Infrastructuur en DevOps", "Infrastruktura i DevOps", "Infraestrutura e DevOps"]),
    ("design", ["Design", "Design", "Design", "Diseño", "Design", "Ontwerp", "Projektowanie", "Design"]),
    ("product", ["Product management", "Gestion de produit", "Produktmanagement", "Gestión de producto", "Product management", "Productmanagement", "Zarządzanie produktem", "Gestão de produto"]),
    ("marketing", ["Marketing", "Marketing", "Marketing", "Marketing", "Marketing", "Marketing", "Marketing", "Marketing"]),
    ("sales", ["Sales", "Vente", "Vertrieb", "Ventas", "Vendite", "Verkoop", "Sprzedaż", "Vendas"]),
    ("customer-support", ["Customer support", "Support client", "Kundensupport", "Atención al cliente", "Assistenza clienti", "Klantenservice", "Obsługa klienta", "Apoio ao cliente"]),
    ("finance", ["Finance and accounting", "Finance et comptabilité", "Finanzen und Buchhaltung", "Finanzas y contabilidad", "Finanza e contabilità", "Financiën en boekhouding", "Finanse i księgowość", "Finanças e contabilidade"]),
    ("human-resources", ["Human resources", "Ressources humaines", "Personalwesen", "Recursos humanos", "Risorse umane", "Personeelszaken", "Zasoby ludzkie", "Recursos humanos"]),
    ("healthcare", ["Healthcare", "Santé", "Gesundheitswesen", "Sanidad", "Sanità", "Gezondheidszorg", "Opieka zdrowotna", "Saúde"]),
    ("engineering", ["Engineering and manufacturing", "Ingénierie et production", "Ingenieurwesen und Produktion", "Ingeniería y producción", "Ingegneria e produzione", "Techniek en productie", "Inżynieria i produkcja", "Engenharia e produção"]),
    ("logistics", ["Logistics and transport", "Logistique et transport", "Logistik und Transport", "Logística y transporte", "Logistica e trasporti", "Logistiek en transport", "Logistyka i transport", "Logística e transportes"]),
    ("education", ["Education", "Éducation", "Bildung", "Educación", "Istruzione", "Onderwijs", "Edukacja", "Educação"]),
    ("hospitality", ["Hospitality and tourism", "Hôtellerie et tourisme", "Gastgewerbe und Tourismus", "Hostelería y turismo", "Ospitalità e turismo", "Horeca en toerisme", "Hotelarstwo i turystyka", "Hotelaria e turismo"]),
    ("legal", ["Legal", "Juridique", "Recht", "Jurídico", "Legale", "Juridisch", "Prawo", "Jurídico"]),
]
LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pl", "pt"]


def create_categories(apps, schema_editor):
    Category = apps.get_model("postings", "Category")
    for position, (slug, names) in enumerate(CATEGORIES):
        fields = {f"name_{code}": name for code, name in zip(LANGUAGES, names, strict=True)}
        Category.objects.update_or_create(
            slug=slug, defaults={"name": names[0], "position": position, **fields}
        )


class Migration(migrations.Migration):
    dependencies = [("postings", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
