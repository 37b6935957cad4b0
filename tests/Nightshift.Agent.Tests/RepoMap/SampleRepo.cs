using Nightshift.TestKit.Sandbox;

namespace Nightshift.Agent.Tests.RepoMap;

/// <summary>A small repository in several languages, written to a temporary folder, plus room outside it.</summary>
internal sealed class SampleRepo : IDisposable
{
    private readonly TempFolder _folder = new("ns-repomap-");

    public SampleRepo(bool withSources = true)
    {
        Root = Path.Combine(_folder.Path, "repo");
        Outside = Path.Combine(_folder.Path, "outside");
        Cache = Path.Combine(_folder.Path, "cache");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.py"), "class LeakedSecret:\n    pass\n");
        if (withSources)
        {
            WriteSources();
        }
    }

    public string Root { get; }

    public string Outside { get; }

    public string Cache { get; }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _folder.Dispose();

    private void WriteSources()
    {
        Write("src/app.ts", "// Entry point of the shop server.\nimport { Cart } from './cart';\nimport express from 'express';\nexport function start(port: number) {\n  return new Cart();\n}\n");
        Write("src/cart.ts", "/** Shopping cart logic. */\nexport class Cart {\n  add(item: string) {\n    return item;\n  }\n}\n");
        Write("src/checkout.js", "'use strict';\n// Checkout flow.\nconst { Cart } = require('./cart');\nconst pay = async (cart) => cart;\nmodule.exports = { pay };\n");
        Write("py/main.py", "#!/usr/bin/env python3\n\"\"\"Command line entry for the shop.\"\"\"\nfrom shop.models import Order\n\ndef run():\n    return Order()\n");
        Write("py/shop/__init__.py", "");
        Write("py/shop/models.py", "# Order models.\nclass Order:\n    def total(self):\n        return 0\n");
        Write("go.mod", "module example.com/shop\n\ngo 1.22\n");
        Write("cmd/main.go", "// Package main starts the shop.\npackage main\n\nimport (\n\t\"fmt\"\n\t\"example.com/shop/store\"\n)\n\nfunc main() {\n\tfmt.Println(store.New())\n}\n");
        Write("store/store.go", "// Package store keeps orders.\npackage store\n\ntype Store struct{}\n\nfunc (s *Store) Add() {}\n\nfunc New() *Store { return nil }\n");
        Write("cs/Orders/Order.cs", "namespace Shop.Orders;\n\n/// <summary>An order placed by a customer.</summary>\npublic sealed class Order\n{\n    public decimal Total() => 0;\n}\n");
        Write("cs/Program.cs", "using Shop.Orders;\n\nnamespace Shop;\n\npublic static class Program\n{\n    public static void Main() { }\n}\n");
        Write("java/com/shop/Item.java", "package com.shop;\n\n/** A thing for sale. */\npublic class Item {\n    public int price() { return 1; }\n}\n");
        Write("java/com/shop/App.java", "package com.shop;\n\nimport com.shop.Item;\n\npublic class App {\n}\n");
        Write("rs/src/main.rs", "//! Shop binary.\nmod cart;\n\nfn main() {}\n");
        Write("rs/src/cart.rs", "pub struct Cart;\n\npub fn total() -> u32 { 0 }\n");
        Write("README.md", "# Shop\n");
    }
}
